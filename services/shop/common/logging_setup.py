"""Logging through the standard library: one JSON object per line, with trace and request ids.

log.info("order placed", extra={"order_id": str(order.id)})
-> {"time": "...Z", "level": "INFO", "logger": "shop.ordering", "message": "order placed",
    "trace_id": "4bf9...", "span_id": "00f0...", "order_id": "..."}
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

from opentelemetry import trace

from shop.common.request_id import current_request_id

HANDLER_NAME = "shop"
# Attributes every LogRecord has (and uvicorn's ANSI `color_message`); anything else on a
# record came from `extra=` and is logged.
_STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "taskName", "trace_id", "span_id", "request_id", "color_message"}
)
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [trace=%(trace_id)s] %(message)s"


class TraceContextFilter(logging.Filter):
    """Adds `trace_id`, `span_id` (hex, or empty outside a span) and `request_id` to records."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        record.trace_id = format(context.trace_id, "032x") if context.is_valid else ""
        record.span_id = format(context.span_id, "016x") if context.is_valid else ""
        record.request_id = current_request_id() or ""
        return True


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object; `static_fields` (e.g. the service) go on every line."""

    def __init__(self, static_fields: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.static_fields = dict(static_fields or {})

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **self.static_fields,
        }
        for key in ("trace_id", "span_id", "request_id"):
            if value := getattr(record, key, ""):
                entry[key] = value
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
            entry["exception_type"] = getattr(record.exc_info[0], "__name__", "")
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(
    level: str | int = "INFO",
    json: bool = True,
    *,
    stream: TextIO | None = None,
    static_fields: Mapping[str, str] | None = None,
) -> logging.Handler:
    """Route all logging to one stream handler on the root logger; safe to call again.

    A second call replaces the handler installed by the first rather than adding another.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.addFilter(TraceContextFilter())
    handler.setFormatter(JsonFormatter(static_fields) if json else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == HANDLER_NAME:
            root.removeHandler(existing)
            existing.close()
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    # Uvicorn's own loggers propagate to the root once it runs with `log_config=None`.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    return handler
