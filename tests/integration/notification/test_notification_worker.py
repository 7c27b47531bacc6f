"""Notification on real Kafka, PostgreSQL and HTTP: seeded templates, webhook, order lookup."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import httpx
import jwt
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.fixtures_identity import IdentityProvider
from integration.context_api import settings_on
from integration.context_kafka import consuming, envelope_of, publish, unique_topic
from integration.messaging.support import read_topic
from integration.notification.conftest import Peer
from localinfra.dex_realm import NOTIFICATION_CLIENT, SERVICE_GROUP
from localinfra.kafka import KafkaBroker
from shop.common.consumer import routes
from shop.common.events import Envelope
from shop.notification.bootstrap import Notifications, bootstrap, dependencies
from shop.notification.entrypoints.consumers import INBOUND
from shop.notification.settings import NotificationSettings
from shop.ordering.domain.events import OrderConfirmed
from shop.ordering.domain.order_terms import OrderLine
from shop.payment.domain.events import PaymentFailed
from shop.topology import dlq_topic_name
from support.polling import wait_until_async

NOW = datetime.now(UTC)


@asynccontextmanager
async def notifications_for(
    engine: AsyncEngine, peer: Peer, identity: IdentityProvider
) -> AsyncIterator[Notifications]:
    lookups = identity.client(NOTIFICATION_CLIENT)
    settings = settings_on(
        NotificationSettings,
        engine,
        channel="webhook",
        webhook_url=f"{peer.url}/hook",
        ordering_url=peer.url,
        token_url=lookups.token_url,
        client_id=lookups.client_id,
        client_secret=SecretStr(lookups.client_secret),
        delivery_initial_delay_seconds=0.05,
    )
    async with httpx.AsyncClient(timeout=2) as client:
        yield bootstrap(engine, dependencies(settings, client))


@asynccontextmanager
async def worker_on(
    topic: str, engine: AsyncEngine, kafka: KafkaBroker, peer: Peer, identity: IdentityProvider
) -> AsyncIterator[str]:
    """Notification's worker consuming `topic` until the block ends; yields its group."""
    async with (
        notifications_for(engine, peer, identity) as notifications,
        consuming(
            kafka.bootstrap_servers,
            topic,
            routes(notifications.bus, INBOUND),
            notifications.unit_of_work,
        ) as group,
    ):
        yield group


async def deliveries(peer: Peer, count: int, *, what: str) -> None:
    """Wait until the webhook has received `count` messages."""

    async def received() -> bool:
        return len(peer.received) == count

    await wait_until_async(received, within=30, what=what)


async def rows(engine: AsyncEngine, sql: str) -> list[tuple[object, ...]]:
    async with engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(text(sql))]


def confirmed(
    order_id: UUID,
    customer_id: str = "alice",
    email: str | None = "alice@example.com",
    key: str | None = None,
) -> Envelope:
    """`key`: the record's (the order's id by default; one key puts events on one partition)."""
    event = OrderConfirmed(
        order_id,
        customer_id=customer_id,
        email=email,
        lines=(OrderLine(uuid4(), "Mug", 2, Decimal("9.50")),),
        total=Decimal("19.00"),
        currency="EUR",
        confirmed_at=NOW,
    )
    return envelope_of(event, source="ordering", aggregate_type="order", key=key or str(order_id))


def payment_failed(order_id: UUID) -> Envelope:
    event = PaymentFailed(
        order_id=order_id,
        customer_id="bob",
        amount=Decimal("4.00"),
        currency="EUR",
        at=NOW,
        reason="card-declined",
    )
    return envelope_of(event, source="payment", aggregate_type="payment", key=str(order_id))


async def test_order_and_payment_events_reach_the_customer_through_the_webhook(
    notification_engine: AsyncEngine, kafka: KafkaBroker, peer: Peer, identity: IdentityProvider
) -> None:
    paid, declined = uuid4(), uuid4()
    peer.orders[str(declined)] = {"email": "bob@example.com", "status": "CANCELLED"}
    peer.failures_left = 1  # the first post fails; the retry delivers
    topic = unique_topic("notification")
    await publish(kafka.bootstrap_servers, topic, confirmed(paid), payment_failed(declined))

    async with worker_on(topic, notification_engine, kafka, peer, identity):
        await deliveries(peer, 2, what="two webhook deliveries")

    by_recipient = {message["recipient"]: message for message in peer.received}
    assert by_recipient["alice@example.com"]["subject"] == f"Your order {paid} is confirmed"
    assert "2 x Mug" in by_recipient["alice@example.com"]["body"]
    assert "4.00 EUR failed (card-declined)" in by_recipient["bob@example.com"]["body"]
    log = await rows(
        notification_engine,
        "SELECT template, status FROM notification.deliveries ORDER BY template",
    )
    assert log == [("order-confirmed", "sent"), ("payment-failed", "sent")]
    attempts = await rows(notification_engine, "SELECT sum(attempts) FROM notification.deliveries")
    assert attempts == [(3,)]
    sent = await rows(
        notification_engine,
        "SELECT count(*) FROM notification.outbox WHERE type = 'notification.sent'",
    )
    assert sent == [(2,)]
    assert peer.lookup_authorizations, "notification looked no order up"
    scheme, _, token = peer.lookup_authorizations[0].partition(" ")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert scheme == "Bearer"
    assert (claims["azp"], claims["groups"]) == (NOTIFICATION_CLIENT, [SERVICE_GROUP])


async def test_an_order_event_stating_no_email_address_is_not_looked_up(
    notification_engine: AsyncEngine, kafka: KafkaBroker, peer: Peer, identity: IdentityProvider
) -> None:
    order_id = uuid4()
    peer.orders[str(order_id)] = {"email": None, "status": "CONFIRMED"}
    topic = unique_topic("notification")
    await publish(kafka.bootstrap_servers, topic, confirmed(order_id, email=None))

    async with worker_on(topic, notification_engine, kafka, peer, identity):
        await deliveries(peer, 1, what="the webhook delivery")

    (message,) = peer.received
    assert message["recipient"] == "alice"  # the customer: the order has no e-mail address
    assert message["subject"] == f"Your order {order_id} is confirmed"
    assert peer.lookup_authorizations == []  # the order could only have said the same


async def test_a_message_failing_mid_batch_costs_the_messages_before_it_no_second_send(
    notification_engine: AsyncEngine, kafka: KafkaBroker, peer: Peer, identity: IdentityProvider
) -> None:
    """The middle message's delivery is sent, then its log row is refused (a NUL character):
    the batch rolls back, the message before it is applied again, the failing one alone until
    it is dead-lettered. Each customer still receives one message."""
    first, failing, last = uuid4(), uuid4(), uuid4()
    topic = unique_topic("notification")
    await publish(
        kafka.bootstrap_servers,
        topic,
        confirmed(first, "ann", "ann@example.com", key="one-partition"),
        confirmed(failing, "b\x00b", "bob@example.com", key="one-partition"),
        confirmed(last, "cy", "cy@example.com", key="one-partition"),
    )

    async with worker_on(topic, notification_engine, kafka, peer, identity) as group:
        (letter,) = await read_topic(
            kafka.bootstrap_servers, dlq_topic_name(topic, group), 1, within=30
        )

        async def logged() -> bool:
            return (
                len(await rows(notification_engine, "SELECT 1 FROM notification.deliveries")) == 2
            )

        await wait_until_async(logged, within=30, what="two deliveries logged")

    assert sorted(message["recipient"] for message in peer.received) == [
        "ann@example.com",
        "bob@example.com",
        "cy@example.com",
    ]
    assert Envelope.from_json(letter.value).data["order_id"] == str(failing)
    assert dict(letter.headers)["dlq-attempts"] == b"2"
    log = await rows(
        notification_engine,
        "SELECT recipient, status, attempts FROM notification.deliveries ORDER BY recipient",
    )
    assert log == [("ann@example.com", "sent", 1), ("cy@example.com", "sent", 1)]
    sent = await rows(
        notification_engine,
        "SELECT count(*) FROM notification.outbox WHERE type = 'notification.sent'",
    )
    assert sent == [(2,)]
