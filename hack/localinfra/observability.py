"""The metrics and trace backends of a local shop: Prometheus and Jaeger, started together.

Prometheus scrapes the targets file that `shop up --scrape-targets-file` writes and evaluates
the chart's rules; the shop's processes export their spans to Jaeger by OTLP/HTTP
(`shop_env()`). `make up --observability` and the observability tests use it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from localinfra.jaeger import Jaeger
from localinfra.prometheus_server import PrometheusServer
from localinfra.shop_rules import write_rule_file
from shop.devstack.scrape_targets import LOCAL_NAMESPACE


@dataclass(frozen=True)
class Observability:
    """Running Prometheus and Jaeger, and what a shop needs to be seen by them."""

    prometheus: PrometheusServer
    jaeger: Jaeger
    targets_file: Path

    def shop_env(self) -> dict[str, str]:
        """Variables for every shop process: export spans to Jaeger."""
        return self.jaeger.env()

    def backends(self) -> dict[str, str]:
        """What the status view lists."""
        return {
            "prometheus": self.prometheus.url,
            "jaeger": f"{self.jaeger.url}/api/traces (query API; no UI in this build)",
        }

    def up_options(self) -> list[str]:
        """`shop up` options that hand it to these backends."""
        options = ["--scrape-targets-file", str(self.targets_file)]
        options += [f"--env={name}={value}" for name, value in self.shop_env().items()]
        options += [f"--backend={name}={url}" for name, url in self.backends().items()]
        return options


def start_observability(
    started: contextlib.ExitStack,
    workdir: Path,
    *,
    rule_values: Mapping[str, str] | None = None,
    scrape_interval: str = "5s",
    evaluation_interval: str = "5s",
) -> Observability:
    """Start Jaeger and Prometheus (stopped by `started`), the chart's rules loaded."""
    rules = write_rule_file(workdir / "prometheus" / "rules.yaml", LOCAL_NAMESPACE, rule_values)
    jaeger = started.enter_context(Jaeger(workdir / "jaeger"))
    targets = workdir / "prometheus" / "targets.json"
    prometheus = PrometheusServer(
        workdir / "prometheus",
        targets_file=targets,
        rule_files=[rules],
        scrape_interval=scrape_interval,
        evaluation_interval=evaluation_interval,
    )
    return Observability(started.enter_context(prometheus), jaeger, targets)
