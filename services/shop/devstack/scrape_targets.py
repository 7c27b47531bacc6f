"""The scrape targets of a local shop as a Prometheus file_sd file.

One group per process that serves `/metrics` (APIs, workers, relays: the roles the cluster's
ServiceMonitor selects), labelled as the cluster labels them, so the chart's dashboards and
rules select local series unchanged: `namespace`, `service` and `pod` (the process name, e.g.
`ordering-worker`), `context` and `role` (`api+worker+relay` in the combined layout).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from shop.devstack.plan import Kind, ProcessSpec

SCRAPED_KINDS = frozenset({Kind.API, Kind.WORKER, Kind.RELAY})
LOCAL_NAMESPACE = "local"


def file_sd_groups(
    specs: Iterable[ProcessSpec], namespace: str = LOCAL_NAMESPACE
) -> list[dict[str, Any]]:
    """A target group per scraped process."""
    return [
        {
            "targets": [spec.url.removeprefix("http://")],
            "labels": {
                "namespace": namespace,
                "service": spec.name,
                "pod": spec.name,
                "context": spec.context,
                "role": "+".join(kind.value for kind in spec.kinds),
            },
        }
        for spec in specs
        if SCRAPED_KINDS.intersection(spec.kinds)
    ]


def write_file_sd(path: Path, specs: Iterable[ProcessSpec]) -> None:
    """Write the groups atomically (Prometheus watches the file and reloads it on change)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.tmp")
    partial.write_text(json.dumps(file_sd_groups(specs), indent=1) + "\n")
    partial.replace(path)
