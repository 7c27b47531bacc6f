"""The API server's requests by verb and resource, from its own /metrics counters."""

from __future__ import annotations

import re
from collections import Counter

from localinfra.kube import ControlPlane

_REQUESTS = re.compile(r"^apiserver_request_total\{(?P<labels>[^}]*)\} (?P<value>[0-9.e+-]+)$")
_LABEL = re.compile(r'(\w+)="([^"]*)"')
WRITE_VERBS = frozenset({"POST", "PUT", "PATCH", "APPLY", "DELETE", "DELETECOLLECTION"})
"""Verbs that change stored objects (APPLY is a server-side apply, PATCH every other patch)."""


def parse_requests(page: str) -> Counter[str]:
    """`apiserver_request_total` summed by "VERB resource[/subresource]" (codes and scopes
    added up), from a /metrics page."""
    counts: Counter[str] = Counter()
    for line in page.splitlines():
        match = _REQUESTS.match(line)
        if match is None:
            continue
        labels = dict(_LABEL.findall(match["labels"]))
        resource = labels.get("resource", "")
        if labels.get("subresource"):
            resource += "/" + labels["subresource"]
        counts[f"{labels.get('verb', '')} {resource}"] += int(float(match["value"]))
    return counts


def request_counts(plane: ControlPlane) -> Counter[str]:
    """The API server's requests so far, by verb and resource."""
    page = plane.http.request("GET", "/metrics", timeout=60)
    return parse_requests(str(page))


def writes_between(before: Counter[str], after: Counter[str]) -> dict[str, int]:
    """Writes made between two `request_counts` readings, by verb and resource, most first."""
    grown = after - before
    writes = {key: count for key, count in grown.items() if key.split(" ", 1)[0] in WRITE_VERBS}
    return dict(sorted(writes.items(), key=lambda item: (-item[1], item[0])))
