"""Consumer runtime: typed handlers per event type, inbox, bounded retries, dead letters.

The names below load their module on first use (PEP 562): a process that needs only
`shop.common.consumer.options` (a context's settings, the operator's builders) does not import
the runtime, aiokafka and SQLAlchemy with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shop.common.consumer.chunk_locks import ChunkPreparer, chunk_preparer
    from shop.common.consumer.inbound import (
        Inbound,
        data_as,
        decode,
        domain_errors_are_permanent,
        routes,
        with_event_id,
    )
    from shop.common.consumer.metrics import ConsumerMetrics
    from shop.common.consumer.options import ConsumerOptions
    from shop.common.consumer.processor import MessageProcessor, Outcome
    from shop.common.consumer.routing import (
        EventHandlers,
        Handler,
        PermanentError,
        PoisonMessageError,
        Route,
    )
    from shop.common.consumer.runtime import EventConsumer

_MODULE_OF = {
    "ChunkPreparer": "chunk_locks",
    "chunk_preparer": "chunk_locks",
    "Inbound": "inbound",
    "data_as": "inbound",
    "decode": "inbound",
    "domain_errors_are_permanent": "inbound",
    "routes": "inbound",
    "with_event_id": "inbound",
    "ConsumerMetrics": "metrics",
    "ConsumerOptions": "options",
    "MessageProcessor": "processor",
    "Outcome": "processor",
    "EventHandlers": "routing",
    "Handler": "routing",
    "PermanentError": "routing",
    "PoisonMessageError": "routing",
    "Route": "routing",
    "EventConsumer": "runtime",
}

__all__ = [
    "ChunkPreparer",
    "ConsumerMetrics",
    "ConsumerOptions",
    "EventConsumer",
    "EventHandlers",
    "Handler",
    "Inbound",
    "MessageProcessor",
    "Outcome",
    "PermanentError",
    "PoisonMessageError",
    "Route",
    "chunk_preparer",
    "data_as",
    "decode",
    "domain_errors_are_permanent",
    "routes",
    "with_event_id",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
