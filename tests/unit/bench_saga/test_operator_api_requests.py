"""The operator benchmark's reading of the API server's request counters."""

from __future__ import annotations

from collections import Counter

from bench.operator_parts.api_requests import parse_requests, writes_between


def sample(metric: str, verb: str, resource: str, value: str, **labels: str) -> str:
    """One line of a /metrics page as the API server writes it."""
    fields = {"code": "200", "group": "", "resource": resource, "subresource": "", **labels}
    inner = ",".join(f'{k}="{v}"' for k, v in {**fields, "verb": verb}.items())
    return f"{metric}{{{inner}}} {value}"


PAGE = "\n".join(
    [
        "# TYPE apiserver_request_total counter",
        sample("apiserver_request_total", "APPLY", "services", "10", code="201"),
        sample("apiserver_request_total", "APPLY", "services", "2"),
        sample("apiserver_request_total", "PUT", "deployments", "3", subresource="status"),
        sample("apiserver_request_total", "LIST", "configmaps", "7", scope="cluster"),
        sample("apiserver_request_duration_seconds_sum", "APPLY", "services", "1.5"),
    ]
)


def test_requests_are_summed_by_verb_and_resource_over_codes() -> None:
    assert parse_requests(PAGE) == Counter(
        {"APPLY services": 12, "PUT deployments/status": 3, "LIST configmaps": 7}
    )


def test_writes_between_counts_only_what_grew_and_only_writes() -> None:
    before = Counter({"APPLY services": 2, "LIST configmaps": 1, "POST ipaddresses": 4})
    after = Counter(
        {"APPLY services": 12, "LIST configmaps": 9, "POST ipaddresses": 4, "PUT pods/status": 3}
    )
    assert writes_between(before, after) == {"APPLY services": 10, "PUT pods/status": 3}
    assert list(writes_between(before, after)) == ["APPLY services", "PUT pods/status"]
