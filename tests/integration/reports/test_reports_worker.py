"""Reports on real Kafka and PostgreSQL, fed with ordering's own order events; read by its API."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TypedDict
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncEngine

from infra.fixtures_identity import IdentityProvider
from integration.context_api import api_client, settings_on
from integration.context_kafka import consuming, envelope_of, publish, unique_topic
from localinfra.kafka import KafkaBroker
from shop.common.consumer import routes
from shop.common.events import Envelope
from shop.ordering.domain.events import OrderCancelled, OrderConfirmed, OrderEvent, OrderPlaced
from shop.ordering.domain.order_terms import OrderLine
from shop.reports.adapters import queries
from shop.reports.bootstrap import bootstrap
from shop.reports.entrypoints.api import create_reports_app
from shop.reports.entrypoints.consumers import INBOUND
from shop.reports.settings import ReportsSettings
from support.polling import wait_until_async

DAY = datetime(2026, 5, 1, 15, tzinfo=UTC)
MUG, TEA = uuid4(), uuid4()


class Terms(TypedDict):
    customer_id: str
    email: str | None
    lines: tuple[OrderLine, ...]
    total: Decimal
    currency: str


def terms(mugs: int) -> Terms:
    lines = (OrderLine(MUG, "Mug", mugs, Decimal("9.50")), OrderLine(TEA, "Tea", 1, Decimal(4)))
    return {
        "customer_id": "alice",
        "email": None,
        "lines": lines,
        "total": Decimal("9.50") * mugs + 4,
        "currency": "EUR",
    }


def of(event: OrderEvent) -> Envelope:
    return envelope_of(event, source="ordering", aggregate_type="order", key=str(event.order_id))


def story(order_id: UUID, mugs: int, confirmed: bool) -> list[Envelope]:
    placed = of(OrderPlaced(order_id, placed_at=DAY, **terms(mugs)))
    end: OrderEvent
    if confirmed:
        end = OrderConfirmed(order_id, confirmed_at=DAY, **terms(mugs))
    else:
        end = OrderCancelled(order_id, reason="out-of-stock", cancelled_at=DAY, **terms(mugs))
    return [placed, of(end)]


async def test_order_events_become_sales_reports_counted_once(
    reports_engine: AsyncEngine, kafka: KafkaBroker, identity: IdentityProvider
) -> None:
    reports = bootstrap(reports_engine)
    first, second, third = uuid4(), uuid4(), uuid4()
    events = [*story(first, 2, True), *story(second, 1, True), *story(third, 5, False)]
    topic = unique_topic("reports")
    await publish(kafka.bootstrap_servers, topic, *events, events[1])  # one redelivery

    async with consuming(
        kafka.bootstrap_servers, topic, routes(reports.bus, INBOUND), reports.unit_of_work
    ):

        async def all_projected() -> bool:
            async with reports.sessions() as session:
                counts = await queries.orders_by_status(session)
            return counts.get("CONFIRMED") == 2 and counts.get("CANCELLED") == 1

        await wait_until_async(all_projected, within=30, what="three orders projected")

    settings = settings_on(
        ReportsSettings,
        reports_engine,
    )
    async with api_client(create_reports_app(settings), identity.admin()) as http:
        sales = (
            await http.get("/reports/sales", params={"from": "2026-05-01", "to": "2026-05-01"})
        ).json()
        top = (await http.get("/reports/top-products", params={"limit": 1})).json()
        by_status = (await http.get("/reports/orders-by-status")).json()
        bad_range = await http.get(
            "/reports/sales", params={"from": "2026-05-02", "to": "2026-05-01"}
        )

    assert sales == [{"day": "2026-05-01", "currency": "EUR", "orders": 2, "revenue": "36.50"}]
    assert [(p["name"], p["quantity"], p["revenue"]) for p in top] == [("Mug", 3, "28.50")]
    assert by_status == {"CANCELLED": 1, "CONFIRMED": 2, "PENDING": 0}
    assert bad_range.status_code == 422
