"""Fraud screening on real PostgreSQL and Kafka: the saga worker's consumers score each checkout
from the orders already stored, cancel a high-risk order once its stock is reserved (releasing
it) and confirm a regular one."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from prometheus_client import CollectorRegistry
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from integration.context_kafka import consuming, envelope_of, publish, unique_topic
from localinfra.kafka import KafkaBroker
from shop.basket.domain.events import BasketCheckedOut, OrderLine
from shop.catalog.domain.events import StockLine, StockReleased, StockReserved
from shop.common.consumer import routes
from shop.common.events import Envelope
from shop.ordering.adapters.metrics import PrometheusSagaObserver
from shop.ordering.bootstrap import bootstrap
from shop.ordering.entrypoints.consumers import INBOUND
from shop.ordering.service_layer.handlers import OrderingDependencies
from shop.payment.domain.events import PaymentSucceeded
from support.polling import wait_until_async
from unit.ordering.ordering_builders import TIMEOUTS

NOW = datetime.now(UTC)
MUG = uuid4()


def checkout(order_id: UUID, customer: str, quantity: int, price: str) -> Envelope:
    total = Decimal(price) * quantity
    line = OrderLine(MUG, "Mug", quantity, Decimal(price))
    event = BasketCheckedOut(order_id, customer, None, (line,), total, "EUR", NOW)
    return envelope_of(event, source="basket", aggregate_type="cart", key=customer)


def reserved(order_id: UUID, quantity: int) -> Envelope:
    event = StockReserved(order_id, lines=(StockLine(MUG, quantity),))
    return envelope_of(event, source="catalog", aggregate_type="reservation", key=str(order_id))


def released(order_id: UUID, quantity: int) -> Envelope:
    event = StockReleased(order_id, lines=(StockLine(MUG, quantity),))
    return envelope_of(event, source="catalog", aggregate_type="reservation", key=str(order_id))


def paid(order_id: UUID, customer: str, amount: Decimal) -> Envelope:
    event = PaymentSucceeded(
        order_id=order_id,
        customer_id=customer,
        amount=amount,
        currency="EUR",
        at=NOW,
        reference="ch_1",
    )
    return envelope_of(event, source="payment", aggregate_type="payment", key=str(order_id))


async def order_row(engine: AsyncEngine, order_id: UUID) -> dict[str, Any]:
    query = text(
        "SELECT status, cancel_reason, awaiting, risk,"
        " (SELECT string_agg(type, ',' ORDER BY id) FROM ordering.outbox"
        "  WHERE aggregateid = :id AND type LIKE 'saga.%') AS commands,"
        " (SELECT detail FROM ordering.order_history h WHERE h.order_id = o.id"
        "  AND kind = 'cancelled') AS cancelled"
        " FROM ordering.orders o WHERE id = CAST(:id AS uuid)"
    )
    async with engine.connect() as connection:
        row = (await connection.execute(query, {"id": str(order_id)})).mappings().first()
    return dict(row) if row else {}


async def test_a_high_risk_order_is_cancelled_with_its_stock_released_and_a_regular_one_confirms(
    ordering_engine: AsyncEngine, kafka: KafkaBroker
) -> None:
    registry = CollectorRegistry()
    deps = OrderingDependencies(TIMEOUTS, observer=PrometheusSagaObserver(registry))
    ordering = bootstrap(ordering_engine, deps)
    regular, risky = uuid4(), uuid4()
    burst = [checkout(uuid4(), "mallory", 1, "4.00") for _ in range(10)]  # velocity
    big = Decimal("900.00")
    topic = unique_topic("ordering")
    await publish(
        kafka.bootstrap_servers,
        topic,
        *burst,
        checkout(risky, "mallory", 2, "450.00"),  # and a new customer's large basket
        checkout(regular, "alice", 2, "9.50"),
        reserved(risky, 2),
        reserved(regular, 2),
        paid(regular, "alice", Decimal("19.00")),
        released(risky, 2),
    )

    async with consuming(
        kafka.bootstrap_servers, topic, routes(ordering.bus, INBOUND), ordering.unit_of_work
    ):

        async def settled() -> bool:
            risky_row = await order_row(ordering_engine, risky)
            regular_row = await order_row(ordering_engine, regular)
            return (
                risky_row.get("status") == "CANCELLED"
                and risky_row["awaiting"] == []
                and regular_row.get("status") == "CONFIRMED"
            )

        await wait_until_async(settled, within=30, what="both orders settled")

    cancelled = await order_row(ordering_engine, risky)
    assert cancelled["cancel_reason"] == "fraud-suspected"
    assert cancelled["commands"] == "saga.reserve-stock,saga.release-stock"
    assert cancelled["cancelled"] == "fraud-suspected: score 85 >= 80"
    assert cancelled["risk"]["score"] == 85
    rules = [(r["rule"], r["points"]) for r in cancelled["risk"]["reasons"]]
    assert rules == [("velocity", 40), ("new-customer-large-basket", 45)]
    assert str(big) in cancelled["risk"]["reasons"][1]["detail"]

    confirmed = await order_row(ordering_engine, regular)
    assert confirmed["risk"] == {"score": 0, "threshold": 80, "reasons": []}
    assert confirmed["commands"] == "saga.reserve-stock,saga.request-payment,saga.commit-stock"

    def sample(name: str, **labels: str) -> float | None:
        return registry.get_sample_value(name, labels)

    assert sample("shop_fraud_verdicts_total", verdict="suspected") == 1
    assert sample("shop_fraud_verdicts_total", verdict="passed") == 1
    assert sample("shop_fraud_score_count") == 12
    assert sample("shop_fraud_score_bucket", le="80.0") == 11
