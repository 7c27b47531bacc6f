"""The metrics and trace backends of a local shop: Prometheus, and Jaeger with `tracing`.

Prometheus scrapes the targets file that `shop up --scrape-targets-file` writes and evaluates
the chart's rules; with Jaeger, the shop's processes export their spans to it by OTLP/HTTP
(`shop_env()`). `make up --observability` and the e2e session use Prometheus only for now
(Jaeger is not provisioned by `make deps` yet: its cold build is long, see jaeger.py).
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
    jaeger: Jaeger | None
    targets_file: Path

    def shop_env(self) -> dict[str, str]:
        """Variables for every shop process: export spans to Jaeger (if it runs)."""
        return self.jaeger.env() if self.jaeger else {}

    def backends(self) -> dict[str, str]:
        """What the status view lists."""
        listed = {"prometheus": self.prometheus.url}
        if self.jaeger is not None:
            listed["jaeger"] = f"{self.jaeger.url}/api/traces (query API; no UI in this build)"
        return listed

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
    tracing: bool = True,
) -> Observability:
    """Start Prometheus, the chart's rules loaded, and with `tracing` Jaeger (stopped by
    `started`)."""
    rules = write_rule_file(workdir / "prometheus" / "rules.yaml", LOCAL_NAMESPACE, rule_values)
    jaeger = started.enter_context(Jaeger(workdir / "jaeger")) if tracing else None
    targets = workdir / "prometheus" / "targets.json"
    prometheus = PrometheusServer(
        workdir / "prometheus",
        targets_file=targets,
        rule_files=[rules],
        scrape_interval=scrape_interval,
        evaluation_interval=evaluation_interval,
    )
    return Observability(started.enter_context(prometheus), jaeger, targets)
