"""JSON logs: one object per line, with trace, span and request ids and the extra fields."""

import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime

import pytest
from opentelemetry.sdk.trace import TracerProvider

from shop.common.logging_setup import HANDLER_NAME, configure_logging


@pytest.fixture(autouse=True)
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    previous_level = root.level
    yield
    for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(handler)
    root.setLevel(previous_level)


@pytest.fixture
def stream() -> io.StringIO:
    buffer = io.StringIO()
    configure_logging("DEBUG", json=True, stream=buffer, static_fields={"service": "catalog"})
    return buffer


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_record_is_one_json_object_with_the_standard_fields(stream: io.StringIO) -> None:
    logging.getLogger("shop.catalog").info("stock %s for %s", 3, "sku-1")

    [entry] = lines(stream)
    assert entry["level"] == "INFO"
    assert entry["logger"] == "shop.catalog"
    assert entry["message"] == "stock 3 for sku-1"
    assert entry["service"] == "catalog"
    assert str(entry["time"]).endswith("Z")
    datetime.fromisoformat(str(entry["time"]))
    assert "trace_id" not in entry


def test_extra_fields_are_top_level_members(stream: io.StringIO) -> None:
    logging.getLogger("shop.ordering").warning(
        "order late", extra={"order_id": "o-1", "attempt": 2, "deadline": datetime(2030, 1, 1)}
    )
    [entry] = lines(stream)
    assert (entry["order_id"], entry["attempt"]) == ("o-1", 2)
    assert entry["deadline"] == "2030-01-01 00:00:00"


def test_inside_a_span_the_trace_and_span_ids_are_logged(stream: io.StringIO) -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("place order") as span:
        logging.getLogger("shop.ordering").info("placing")
    context = span.get_span_context()

    [entry] = lines(stream)
    assert entry["trace_id"] == format(context.trace_id, "032x")
    assert entry["span_id"] == format(context.span_id, "016x")


def test_an_exception_is_logged_with_its_traceback(stream: io.StringIO) -> None:
    try:
        raise ValueError("bad sku")
    except ValueError:
        logging.getLogger("shop.catalog").exception("import failed")
    [entry] = lines(stream)
    assert entry["level"] == "ERROR"
    assert entry["exception_type"] == "ValueError"
    assert "Traceback" in str(entry["exception"])
    assert "bad sku" in str(entry["exception"])


def test_configuring_twice_replaces_the_handler(stream: io.StringIO) -> None:
    second = io.StringIO()
    configure_logging("INFO", stream=second)
    logging.getLogger("shop").info("once")
    ours = [h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME]
    assert len(ours) == 1
    assert stream.getvalue() == ""
    assert json.loads(second.getvalue())["message"] == "once"


def test_the_level_filters_records(stream: io.StringIO) -> None:
    configure_logging("WARNING", stream=stream)
    logging.getLogger("shop").info("hidden")
    logging.getLogger("shop").warning("shown")
    assert [entry["message"] for entry in lines(stream)] == ["shown"]


def test_text_mode_is_readable_and_still_carries_the_trace_id() -> None:
    buffer = io.StringIO()
    configure_logging("INFO", json=False, stream=buffer)
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("work") as span:
        logging.getLogger("shop.dev").info("hello")
    trace_id = format(span.get_span_context().trace_id, "032x")
    assert buffer.getvalue().strip().endswith(f"INFO    shop.dev [trace={trace_id}] hello")
