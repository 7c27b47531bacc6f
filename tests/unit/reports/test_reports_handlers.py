"""Projecting order events through a fake unit of work."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

from shop.reports.bootstrap import message_bus
from shop.reports.domain.events import OrderCancelled, OrderConfirmed, OrderPlaced, SoldLine
from unit.reports.reports_fakes import FakeReportsUnitOfWork

T0 = datetime(2026, 5, 1, 10, tzinfo=UTC)
MUG = uuid4()


async def test_placed_then_confirmed_orders_show_up_in_every_report() -> None:
    uow, order = FakeReportsUnitOfWork(), uuid4()
    handle_in = message_bus(lambda: uow).handle_in
    line = SoldLine(MUG, "Mug", 2, Decimal("9.50"))

    await handle_in(OrderPlaced(uuid4(), order, placed_at=T0), uow)
    await handle_in(
        OrderConfirmed(
            uuid4(), order, lines=(line,), total=Decimal(19), currency="EUR", confirmed_at=T0
        ),
        uow,
    )

    assert await uow.projection.orders_by_status() == {"PENDING": 0, "CONFIRMED": 1}
    sales = await uow.projection.sales_per_day(date(2026, 5, 1), date(2026, 5, 1))
    assert sales[(date(2026, 5, 1), "EUR")].revenue == Decimal(19)
    assert [s.quantity for s in await uow.projection.top_products(5)] == [2]


async def test_an_event_that_changes_nothing_is_not_applied() -> None:
    uow, order = FakeReportsUnitOfWork(), uuid4()
    handle_in = message_bus(lambda: uow).handle_in
    await handle_in(OrderCancelled(uuid4(), order, reason="payment-failed", cancelled_at=T0), uow)

    await handle_in(OrderPlaced(uuid4(), order, placed_at=T0), uow)

    assert len(uow.projection.applied) == 1
    assert await uow.projection.orders_by_status() == {"CANCELLED": 1}
