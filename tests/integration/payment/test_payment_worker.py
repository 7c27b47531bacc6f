"""Payment on real Kafka and PostgreSQL, fed by the saga commands ordering really publishes."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID, uuid4

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.fixtures_identity import IdentityProvider
from integration.context_api import api_client, settings_on
from integration.context_kafka import consuming, envelope_of, publish, unique_topic
from localinfra.kafka import KafkaBroker
from shop.common.consumer import routes
from shop.ordering.domain.events import RefundPayment, RequestPayment
from shop.payment.adapters.mock_gateway import MockGateway
from shop.payment.bootstrap import bootstrap
from shop.payment.domain import commands as c
from shop.payment.entrypoints.api import create_payment_app
from shop.payment.entrypoints.consumers import INBOUND
from shop.payment.settings import PaymentSettings
from support.polling import wait_until_async

AMOUNT = Decimal("23.00")


async def rows(engine: AsyncEngine, sql: str) -> list[tuple[object, ...]]:
    async with engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(text(sql))]


async def test_requests_charge_once_and_refunds_answer_through_the_outbox(
    payment_engine: AsyncEngine, kafka: KafkaBroker
) -> None:
    payments = bootstrap(payment_engine, MockGateway(failure_rate=0.0))
    charged, never_charged = uuid4(), uuid4()

    def request(order_id: UUID) -> RequestPayment:
        return RequestPayment(order_id, customer_id="alice", amount=AMOUNT, currency="EUR")

    def refund(order_id: UUID) -> RefundPayment:
        return RefundPayment(order_id, customer_id="alice", amount=AMOUNT, currency="EUR")

    commands = [
        request(charged),
        request(charged),
        refund(charged),
        refund(never_charged),
        request(never_charged),
    ]
    topic = unique_topic("payment")
    await publish(
        kafka.bootstrap_servers,
        topic,
        *(
            envelope_of(c, source="ordering", aggregate_type="order", key=str(c.order_id))
            for c in commands
        ),
    )

    async with consuming(
        kafka.bootstrap_servers, topic, routes(payments.bus, INBOUND), payments.unit_of_work
    ):

        async def both_settled() -> bool:
            statuses = await rows(payment_engine, "SELECT status FROM payment.payments")
            return sorted(str(s[0]) for s in statuses) == ["refunded", "voided"]

        await wait_until_async(both_settled, within=30, what="a refund and a void")

    outbox = await rows(
        payment_engine, "SELECT type, topic, aggregateid FROM payment.outbox ORDER BY id"
    )
    assert outbox == [
        ("payment.succeeded", "shop.payment.payment", str(charged)),
        ("payment.refunded", "shop.payment.payment", str(charged)),
        ("payment.refunded", "shop.payment.payment", str(never_charged)),
    ]


async def test_the_api_shows_an_orders_payment(
    payment_engine: AsyncEngine, identity: IdentityProvider
) -> None:
    settings = settings_on(
        PaymentSettings,
        payment_engine,
        gateway_failure_rate=1.0,
        gateway_latency_seconds=0,
    )
    app = create_payment_app(settings)
    order_id = uuid4()
    async with api_client(app, identity.admin()) as http:
        payments = app.state.process.state["payments"]
        await payments.bus.handle(c.RequestPayment(order_id, "alice", Decimal("5.00"), "EUR"))
        found = await http.get(f"/payments/{order_id}")
        missing = await http.get(f"/payments/{uuid4()}")

    assert (found.json()["status"], found.json()["failure_reason"]) == ("failed", "card-declined")
    assert missing.status_code == 404
