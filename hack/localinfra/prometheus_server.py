"""A real Prometheus on loopback (Debian's binary, `localinfra.prometheus_package`).

It scrapes the targets of a file_sd file (`shop up` writes one naming every process it
supervises: `shop.devstack.scrape_targets`; Prometheus follows its changes), and evaluates
rule files (the chart's rules, rendered by `localinfra.shop_rules`). Its TSDB lives in the
workdir; `query()` and `alerts()` read its HTTP API.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import httpx

from localinfra.errors import InfraError
from localinfra.launcher import SingleProcessLauncher
from localinfra.process import ManagedProcess, http_ok
from localinfra.prometheus_package import prometheus_binary
from localinfra.workdir import make_workdir
from shop.devstack.ports import free_port

JOB = "shop"
RETENTION = "6h"


def prometheus_config(
    targets_file: Path,
    rule_files: Sequence[Path],
    *,
    scrape_interval: str,
    evaluation_interval: str,
) -> dict[str, Any]:
    """One job scraping the file_sd targets' `/metrics`, and the rule files."""
    return {
        "global": {"scrape_interval": scrape_interval, "evaluation_interval": evaluation_interval},
        "rule_files": [str(path) for path in rule_files],
        "scrape_configs": [
            {
                "job_name": JOB,
                "metrics_path": "/metrics",
                "file_sd_configs": [{"files": [str(targets_file)], "refresh_interval": "5s"}],
            }
        ],
    }


class PrometheusServer(SingleProcessLauncher):
    """Prometheus on 127.0.0.1 scraping `targets_file` and evaluating `rule_files`."""

    def __init__(
        self,
        workdir: Path | None = None,
        *,
        targets_file: Path,
        rule_files: Sequence[Path] = (),
        scrape_interval: str = "5s",
        evaluation_interval: str = "5s",
    ) -> None:
        self.workdir = workdir
        self.targets_file = targets_file
        self.rule_files = tuple(rule_files)
        self.scrape_interval = scrape_interval
        self.evaluation_interval = evaluation_interval
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        """Write the configuration (and an empty targets file if none yet) and start."""
        self.workdir = self.workdir or make_workdir("prometheus")
        self.workdir.mkdir(parents=True, exist_ok=True)
        if not self.targets_file.exists():
            self.targets_file.parent.mkdir(parents=True, exist_ok=True)
            self.targets_file.write_text("[]\n")
        config = self.workdir / "prometheus.yml"
        config.write_text(
            json.dumps(
                prometheus_config(
                    self.targets_file,
                    self.rule_files,
                    scrape_interval=self.scrape_interval,
                    evaluation_interval=self.evaluation_interval,
                ),
                indent=1,
            )
        )
        argv = [
            str(prometheus_binary()),
            f"--config.file={config}",
            f"--storage.tsdb.path={self.workdir / 'data'}",
            f"--storage.tsdb.retention.time={RETENTION}",
            f"--web.listen-address=127.0.0.1:{self.port}",
        ]
        self._process = ManagedProcess("prometheus", argv, self.workdir / "prometheus.log")
        self._process.start().wait_ready(
            lambda: http_ok(f"{self.url}/-/ready"), timeout=60, what="ready"
        )
        return self

    def _api(self, path: str, **params: str) -> Any:
        response = httpx.get(f"{self.url}/api/v1/{path}", params=params, timeout=30)
        body = response.json()
        if body.get("status") != "success":
            raise InfraError(f"Prometheus {path} {params}: {body.get('error', response.text)}")
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        """An instant query's result (vector or scalar), as the API returns it."""
        data = self._api("query", query=expr)
        result: list[dict[str, Any]] = (
            data["result"] if data["resultType"] == "vector" else [{"value": data["result"]}]
        )
        return result

    def alerts(self) -> list[dict[str, Any]]:
        """The alerts pending or firing now."""
        found: list[dict[str, Any]] = self._api("alerts")["alerts"]
        return found

    def rule_groups(self) -> list[dict[str, Any]]:
        """The loaded rule groups with each rule's health and last evaluation."""
        groups: list[dict[str, Any]] = self._api("rules")["groups"]
        return groups

    def targets(self) -> list[dict[str, Any]]:
        """The active scrape targets with their health."""
        active: list[dict[str, Any]] = self._api("targets")["activeTargets"]
        return active
