"""The shop's event topology: which context publishes which topic, and who consumes it.

The single source of truth for topic names and consumer groups. The services publish and
subscribe by it; the operator builds Strimzi KafkaTopics (and their DLQ topics) from it.
Topics are per aggregate (`shop.<context>.<aggregate>`) so per-aggregate ordering holds by key;
saga commands go to a topic owned by the context that executes them (`shop.<context>.commands`).
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXTS: tuple[str, ...] = ("catalog", "basket", "ordering", "payment", "notification", "reports")


@dataclass(frozen=True)
class Topic:
    """A Kafka topic, the context whose outbox writes it, and the event types it carries."""

    name: str
    owner: str
    event_types: tuple[str, ...]


@dataclass(frozen=True)
class Subscription:
    """A consumer group reading one topic."""

    group: str
    topic: str

    @property
    def dlq_topic(self) -> str:
        """Where messages this group could not handle are parked: `<topic>.<group>.dlq`."""
        return dlq_topic_name(self.topic, self.group)


def dlq_topic_name(topic: str, group: str) -> str:
    return f"{topic}.{group}.dlq"


def consumer_group(context: str) -> str:
    """The consumer group of a context's worker."""
    return f"shop.{context}"


PRODUCT = Topic(
    "shop.catalog.product",
    "catalog",
    ("product.created", "product.updated", "product.price-changed", "product.deactivated"),
)
STOCK = Topic(
    "shop.catalog.stock",
    "catalog",
    ("stock.low", "stock.reserved", "stock.reservation-failed", "stock.released"),
)
BASKET = Topic("shop.basket.basket", "basket", ("basket.checked-out",))
ORDER = Topic(
    "shop.ordering.order", "ordering", ("order.placed", "order.confirmed", "order.cancelled")
)
CATALOG_COMMANDS = Topic(
    "shop.catalog.commands",
    "ordering",
    # commit-stock: a confirmed order's reserved units are sold (on hand and reserved drop).
    ("saga.reserve-stock", "saga.release-stock", "saga.commit-stock"),
)
PAYMENT_COMMANDS = Topic(
    "shop.payment.commands", "ordering", ("saga.request-payment", "saga.refund-payment")
)
PAYMENT = Topic(
    "shop.payment.payment", "payment", ("payment.succeeded", "payment.failed", "payment.refunded")
)
NOTIFICATION = Topic(
    "shop.notification.notification", "notification", ("notification.sent", "notification.failed")
)

TOPICS: tuple[Topic, ...] = (
    PRODUCT,
    STOCK,
    BASKET,
    ORDER,
    CATALOG_COMMANDS,
    PAYMENT_COMMANDS,
    PAYMENT,
    NOTIFICATION,
)

CONSUMES: dict[str, tuple[Topic, ...]] = {
    "catalog": (CATALOG_COMMANDS, ORDER),  # order.confirmed: "bought together" (ADR 0052)
    "basket": (PRODUCT,),
    "ordering": (BASKET, STOCK, PAYMENT),
    "payment": (PAYMENT_COMMANDS,),
    "notification": (ORDER, PAYMENT),
    "reports": (ORDER,),
}


def subscriptions() -> list[Subscription]:
    """Every (consumer group, topic) pair of the shop."""
    return [
        Subscription(consumer_group(context), topic.name)
        for context, topics in CONSUMES.items()
        for topic in topics
    ]


def events_consumed_by(context: str) -> frozenset[str]:
    """Every event type carried by the topics `context` consumes (what its routes may name)."""
    return frozenset(event for topic in CONSUMES.get(context, ()) for event in topic.event_types)


def topic_for_event(event_type: str) -> str:
    """The topic an event or saga command of this type is published to."""
    for topic in TOPICS:
        if event_type in topic.event_types:
            return topic.name
    raise KeyError(f"no topic carries event type {event_type!r}")
