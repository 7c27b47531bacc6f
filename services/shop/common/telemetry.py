"""OpenTelemetry tracing of a process, set up once from its settings (`ServiceSettings.tracing()`).

- `OTEL_SDK_DISABLED=true`: nothing is configured; every span is a no-op.
- `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`: spans go by OTLP/HTTP
  (batched); headers, timeouts, sampler (`OTEL_TRACES_SAMPLER`), propagators and resource
  attributes (`OTEL_RESOURCE_ATTRIBUTES`) are read by the SDK as usual.
- `OTEL_TRACES_EXPORTER=none` keeps the provider (trace ids in logs) without exporting.

FastAPI traces itself once a tracer provider is set (its native telemetry); SQLAlchemy, httpx
and aiokafka are instrumented here. Tests add an in-memory exporter with `install_span_exporter`.
"""

from __future__ import annotations

import logging

from opentelemetry import trace
from opentelemetry.instrumentation.aiokafka import AIOKafkaInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.instrumentor import BaseInstrumentor  # type: ignore[attr-defined]
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, SERVICE_VERSION, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter

from shop.common.tracing import Tracing

log = logging.getLogger(__name__)


def configure_telemetry(
    tracing: Tracing, *, instrument_kafka: bool = True
) -> TracerProvider | None:
    """Set the global tracer provider and instrument libraries; later calls reuse the first.

    Returns the provider, or None when `OTEL_SDK_DISABLED=true`.
    """
    if tracing.disabled:
        log.info("OpenTelemetry disabled by OTEL_SDK_DISABLED")
        return None
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        provider = current
    else:
        provider = build_tracer_provider(tracing)
        trace.set_tracer_provider(provider)
    instrumentors: list[BaseInstrumentor] = [HTTPXClientInstrumentor()]
    if instrument_kafka:
        instrumentors.append(AIOKafkaInstrumentor())
    for instrumentor in instrumentors:
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument(tracer_provider=provider)
    sqlalchemy = SQLAlchemyInstrumentor()
    if not sqlalchemy.is_instrumented_by_opentelemetry:
        # Its declared range ends below SQLAlchemy 2.1, whose engine events it relies on are
        # unchanged; tests/integration/kit checks that statements of the process engine are
        # traced, so a real incompatibility fails there.
        sqlalchemy.instrument(tracer_provider=provider, skip_dep_check=True)
    return provider


def uninstrument_libraries() -> None:
    """Undo the library instrumentation of `configure_telemetry` (it patches modules globally)."""
    for instrumentor in (
        HTTPXClientInstrumentor(),
        AIOKafkaInstrumentor(),
        SQLAlchemyInstrumentor(),
    ):
        if instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.uninstrument()


def build_tracer_provider(tracing: Tracing) -> TracerProvider:
    """A provider for this service, exporting by OTLP/HTTP when `tracing.export`."""
    attributes = {SERVICE_NAME: tracing.service_name}
    if tracing.service_version:
        attributes[SERVICE_VERSION] = tracing.service_version
    provider = TracerProvider(resource=Resource.create(attributes))
    if tracing.export:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        log.info("exporting traces by OTLP/HTTP", extra={"service": tracing.service_name})
    return provider


def install_span_exporter(
    exporter: SpanExporter, service_name: str = "shop-tests"
) -> TracerProvider:
    """Send every span to `exporter` as it ends (tests: an `InMemorySpanExporter`).

    Configures telemetry (exporting nothing else) first if needed. Call it once per exporter:
    each call adds a processor.
    """
    provider = configure_telemetry(Tracing(service_name))
    assert provider is not None  # tracing is never disabled here
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def flush_telemetry(timeout_seconds: float = 5.0) -> None:
    """Export the spans still buffered (call before the process exits)."""
    provider = trace.get_tracer_provider()
    if isinstance(provider, TracerProvider):
        provider.force_flush(int(timeout_seconds * 1000))
