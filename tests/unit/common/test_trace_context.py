from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from shop.common.trace_context import (
    context_from_headers,
    context_from_properties,
    current_context_properties,
    trace_headers,
)

TRACE_ID = 0x0AF7651916CD43DD8448EB211C80319C
SPAN_ID = 0xB7AD6B7169203331


def _context() -> object:
    span = NonRecordingSpan(
        SpanContext(TRACE_ID, SPAN_ID, is_remote=False, trace_flags=TraceFlags(TraceFlags.SAMPLED))
    )
    return trace.set_span_in_context(span)


def test_the_outbox_column_holds_a_traceparent_line_debezium_can_read() -> None:
    text = current_context_properties(_context())  # type: ignore[arg-type]
    assert text == "traceparent=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\n"
    restored = trace.get_current_span(context_from_properties(text)).get_span_context()
    assert (restored.trace_id, restored.span_id) == (TRACE_ID, SPAN_ID)


def test_no_active_trace_stores_nothing() -> None:
    assert current_context_properties() is None
    assert not trace.get_current_span(context_from_properties(None)).get_span_context().is_valid
    garbage = context_from_properties("traceparent=\\uZZZZ")
    assert not trace.get_current_span(garbage).get_span_context().is_valid


def test_headers_carry_the_context_and_the_first_traceparent_wins() -> None:
    headers = trace_headers(_context())  # type: ignore[arg-type]
    assert headers == [("traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]
    later = ("traceparent", b"00-11111111111111111111111111111111-2222222222222222-01")
    restored = trace.get_current_span(context_from_headers([*headers, later]))
    assert restored.get_span_context().trace_id == TRACE_ID
