"""Jaeger v2, built from the Go module proxy, as the trace backend of `make up` and the tests
(its cold build compiles every storage backend: 10 CPU-minutes, 102 minutes on a 2-core machine
loaded to 20-40).

`provision()` builds `cmd/jaeger` through the wrapper module hack/gobuild/jaeger. `Jaeger` runs
it with in-memory storage, an OTLP/HTTP receiver and its query service, each on a free loopback
port (no gRPC receiver, no internal telemetry endpoint: nothing else is opened). The module has
no UI assets, so `/` is Jaeger's placeholder page; the query API (`/api/services`,
`/api/traces`) is complete.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Self

import httpx

from localinfra.errors import MissingDependencyError
from localinfra.gobuild import GoProgram, WrapperModule, build, check_pin, is_built
from localinfra.launcher import SingleProcessLauncher
from localinfra.paths import cache_dir
from localinfra.process import ManagedProcess, http_ok
from localinfra.versions import pins
from localinfra.workdir import make_workdir
from shop.devstack.ports import free_port

JAEGER = WrapperModule(
    "jaeger",
    "github.com/jaegertracing/jaeger",
    (GoProgram("github.com/jaegertracing/jaeger/cmd/jaeger", "jaeger"),),
)
STORE = "memstore"
MAX_TRACES = 50_000


def pinned_version() -> str:
    return pins()["JAEGER_VERSION"]


def jaeger_bin_dir() -> Path:
    return cache_dir() / f"jaeger-{pinned_version()}" / "bin"


def jaeger_ldflags() -> str:
    """The version stamp of Jaeger's own build (internal/version)."""
    package = "github.com/jaegertracing/jaeger/internal/version"
    return f"-s -w -X {package}.latestVersion=v{pinned_version()}"


def jaeger_binary() -> Path:
    """Path of the pinned jaeger; raises MissingDependencyError if not provisioned."""
    if not is_built(JAEGER, jaeger_bin_dir(), jaeger_ldflags()):
        raise MissingDependencyError(f"jaeger {pinned_version()}")
    return jaeger_bin_dir() / "jaeger"


def provision(force: bool = False) -> None:
    """Build the pinned Jaeger into the cache unless it is already there."""
    started = time.monotonic()
    check_pin(JAEGER, pinned_version())
    built = build(JAEGER, jaeger_bin_dir(), ldflags=jaeger_ldflags(), label="jaeger", force=force)
    print(
        f"jaeger: jaeger {pinned_version()} {'built' if built else 'cached'} at "
        f"{jaeger_bin_dir()}, {time.monotonic() - started:.1f}s",
        flush=True,
    )


def jaeger_config(otlp_port: int, query_port: int, grpc_port: int) -> dict[str, Any]:
    """The collector configuration: OTLP/HTTP in, memory store, query service out."""
    loopback = "127.0.0.1"
    return {
        "service": {
            "extensions": ["jaeger_storage", "jaeger_query"],
            "pipelines": {
                "traces": {
                    "receivers": ["otlp"],
                    "processors": ["batch"],
                    "exporters": ["jaeger_storage_exporter"],
                }
            },
            "telemetry": {
                "resource": {"service.name": "jaeger"},
                "metrics": {"level": "none"},
                "logs": {"level": "warn"},
            },
        },
        "extensions": {
            "jaeger_storage": {"backends": {STORE: {"memory": {"max_traces": MAX_TRACES}}}},
            "jaeger_query": {
                "storage": {"traces": STORE},
                "enable_tracing": False,  # on by default: it would trace itself to :4317
                "http": {"endpoint": f"{loopback}:{query_port}"},
                "grpc": {"endpoint": f"{loopback}:{grpc_port}"},
            },
        },
        "receivers": {"otlp": {"protocols": {"http": {"endpoint": f"{loopback}:{otlp_port}"}}}},
        "processors": {"batch": {"timeout": "500ms"}},
        "exporters": {"jaeger_storage_exporter": {"trace_storage": STORE}},
    }


class Jaeger(SingleProcessLauncher):
    """Jaeger on 127.0.0.1: `otlp_endpoint` takes spans, `url` answers queries."""

    def __init__(self, workdir: Path | None = None) -> None:
        self.workdir = workdir
        self.otlp_port, self.query_port, self.grpc_port = free_port(), free_port(), free_port()

    @property
    def url(self) -> str:
        """The query service (the API under `/api`)."""
        return f"http://127.0.0.1:{self.query_port}"

    @property
    def otlp_endpoint(self) -> str:
        """What `OTEL_EXPORTER_OTLP_ENDPOINT` is set to (OTLP/HTTP; the SDK adds /v1/traces)."""
        return f"http://127.0.0.1:{self.otlp_port}"

    def start(self) -> Self:
        """Write the configuration and start Jaeger; returns once its query API answers."""
        self.workdir = self.workdir or make_workdir("jaeger")
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "jaeger.json"
        config.write_text(
            json.dumps(jaeger_config(self.otlp_port, self.query_port, self.grpc_port))
        )
        self._process = ManagedProcess(
            "jaeger",
            [str(jaeger_binary()), "--config", f"file:{config}"],
            self.workdir / "jaeger.log",
            cwd=self.workdir,
        ).start()
        self._process.wait_ready(
            lambda: http_ok(f"{self.url}/api/services"), timeout=60, what="answering queries"
        )
        return self

    def env(self) -> dict[str, str]:
        """What makes the shop's processes export their spans here."""
        return {"OTEL_EXPORTER_OTLP_ENDPOINT": self.otlp_endpoint}

    def traces(self, service: str, *, limit: int = 100, lookback: str = "1h") -> list[Any]:
        """The traces with a span of `service` (Jaeger's query API, newest first)."""
        response = httpx.get(
            f"{self.url}/api/traces",
            params={"service": service, "limit": limit, "lookback": lookback},
            timeout=30,
        )
        response.raise_for_status()
        found: list[Any] = response.json()["data"] or []
        return found
