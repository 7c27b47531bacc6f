"""How a process traces: what `ServiceSettings.tracing()` reads from the `OTEL_*` variables."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tracing:
    """Tracing of one process, as its settings say (the standard `OTEL_*` variables)."""

    service_name: str
    """`OTEL_SERVICE_NAME` if set, else the process's `service_name`."""
    service_version: str | None = None
    disabled: bool = False
    """`OTEL_SDK_DISABLED=true`: nothing is configured; every span is a no-op."""
    export: bool = False
    """Spans go by OTLP/HTTP: an endpoint is set and `OTEL_TRACES_EXPORTER` is not `none`."""
