"""The operator benchmark's status watch against the real API server: it records a platform
when the platform's status reaches its generation, and only then."""

from __future__ import annotations

import time

from bench.operator_parts.converge import StatusWatch
from lightkube import Client
from lightkube.types import PatchType

from integration.operator.kube_support import (
    create_platform,
    eventually,
    patch_spec,
    sample_body,
)
from shopkeeper.kube import platform_class


def write_status(kube: Client, name: str, namespace: str, generation: int) -> None:
    """What the operator's status patch says about the generation it reconciled."""
    kube.patch(
        platform_class().Status,
        name,
        {"status": {"observedGeneration": generation}},
        namespace=namespace,
        patch_type=PatchType.MERGE,
    )


def test_the_watch_records_a_platform_once_its_status_is_current(
    kube: Client, namespace: str
) -> None:
    for name in ("current", "behind"):
        create_platform(kube, sample_body(name, namespace))
    generation = patch_spec(kube, "behind", namespace, {"image": {"tag": "0.2.0"}})
    started = time.monotonic()
    with StatusWatch(kube, namespace, started) as watch:
        write_status(kube, "behind", namespace, generation - 1)  # the spec before the change
        write_status(kube, "current", namespace, 1)
        first = eventually(watch.seen, timeout=30, what="the current platform seen by the watch")
        write_status(kube, "behind", namespace, generation)

        def both_seen() -> dict[str, float] | None:
            seen = watch.seen()
            return seen if len(seen) == 2 else None

        both = eventually(both_seen, timeout=30, what="both platforms seen by the watch")

    assert set(first) == {"current"}  # a status of an older generation is not convergence
    assert 0 <= both["current"] <= both["behind"] <= time.monotonic() - started
