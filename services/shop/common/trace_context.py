"""W3C trace context through the outbox row (`tracingspancontext`) and Kafka headers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.instrumentation.aiokafka import AIOKafkaInstrumentor
from opentelemetry.sdk.trace import TracerProvider

from shop.common import java_properties

KafkaHeaders = Sequence[tuple[str, bytes]]


def current_context_properties(context: Context | None = None) -> str | None:
    """The active (or given) trace context as `java.util.Properties` text; None if no trace."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=context)
    return java_properties.dumps(carrier) if carrier else None


def context_from_properties(text: str | None) -> Context:
    """The trace context stored in an outbox row (an empty context if none or unreadable)."""
    if not text:
        return Context()
    try:
        carrier = java_properties.loads(text)
    except ValueError:
        return Context()
    return propagate.extract(carrier, context=Context())


def context_from_headers(headers: Iterable[tuple[str, bytes | None]]) -> Context:
    """The trace context a message carries in its `traceparent`/`tracestate` headers.

    The first occurrence of a header wins, as with the aiokafka instrumentation's getter.
    """
    carrier: dict[str, str] = {}
    for key, value in headers:
        if value is not None:
            carrier.setdefault(key.lower(), value.decode("utf-8", "replace"))
    return propagate.extract(carrier, context=Context())


def tracing_active() -> bool:
    """Whether spans are recorded (an SDK tracer provider is set): else tracing costs nothing."""
    return isinstance(trace.get_tracer_provider(), TracerProvider)


def kafka_instrumented() -> bool:
    """Whether the aiokafka instrumentation is on: it then injects the trace headers itself."""
    return bool(AIOKafkaInstrumentor().is_instrumented_by_opentelemetry)


def trace_headers(context: Context | None = None) -> list[tuple[str, bytes]]:
    """Headers (`traceparent`, `tracestate`, ...) that continue the active or given context."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=context)
    return [(key, value.encode()) for key, value in carrier.items()]
