"""Consumer runtime: typed handlers per event type, inbox, bounded retries, dead letters."""

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

__all__ = [
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
    "data_as",
    "decode",
    "domain_errors_are_permanent",
    "routes",
    "with_event_id",
]
