"""The saga's handlers and timer through the message bus and a fake unit of work."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from uuid import uuid4

import pytest

from shop.ordering.bootstrap import OrderingBus, message_bus
from shop.ordering.domain import messages as m
from shop.ordering.domain.events import (
    OrderCancelled,
    OrderPlaced,
    RefundPayment,
    ReleaseStock,
    RequestPayment,
    ReserveStock,
)
from shop.ordering.domain.fraud import FraudRules
from shop.ordering.domain.order_terms import CancelReason, OrderStatus
from shop.ordering.service_layer.handlers import OrderingDependencies, expire_due
from support.clock import Clock
from unit.ordering.ordering_builders import ORDER_ID, T0, TIMEOUTS, checkout
from unit.ordering.ordering_fakes import FakeOrderingUnitOfWork, RecordingObserver


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def uow() -> FakeOrderingUnitOfWork:
    return FakeOrderingUnitOfWork()


@pytest.fixture
def observer() -> RecordingObserver:
    return RecordingObserver()


@pytest.fixture
def bus(uow: FakeOrderingUnitOfWork, clock: Clock, observer: RecordingObserver) -> OrderingBus:
    return message_bus(lambda: uow, OrderingDependencies(TIMEOUTS, clock, observer=observer))


async def test_a_checkout_places_the_order_and_publishes_the_reservation_command(
    bus: OrderingBus, uow: FakeOrderingUnitOfWork
) -> None:
    await bus.handle(checkout())

    assert [type(e) for e in uow.take_published()] == [OrderPlaced, ReserveStock]
    assert uow.orders.rows[ORDER_ID].status is OrderStatus.PENDING


async def test_a_second_checkout_message_for_the_same_order_is_ignored(
    bus: OrderingBus, uow: FakeOrderingUnitOfWork
) -> None:
    await bus.handle(checkout())
    uow.take_published()

    await bus.handle(checkout())

    assert uow.take_published() == []
    assert len(uow.orders.rows[ORDER_ID].history) == 1


async def test_replies_advance_the_saga_and_publish_its_next_command(
    bus: OrderingBus, uow: FakeOrderingUnitOfWork, observer: RecordingObserver
) -> None:
    await bus.handle(checkout())
    uow.take_published()

    await bus.handle(m.StockReserved(uuid4(), ORDER_ID))

    assert [type(e) for e in uow.take_published()] == [RequestPayment]
    assert observer.changes == [
        (ORDER_ID, None, OrderStatus.PENDING),
        (ORDER_ID, OrderStatus.PENDING, OrderStatus.STOCK_RESERVED),
    ]


async def test_a_late_reply_is_neither_saved_nor_observed(
    bus: OrderingBus, uow: FakeOrderingUnitOfWork, observer: RecordingObserver
) -> None:
    await bus.handle(checkout())
    await bus.handle(m.StockReservationFailed(uuid4(), ORDER_ID, reason="out-of-stock"))
    saves, changes = uow.orders.saves, len(observer.changes)

    await bus.handle(m.StockReserved(uuid4(), ORDER_ID))

    assert (uow.orders.saves, len(observer.changes)) == (saves, changes)


async def test_a_reply_for_an_order_never_placed_is_ignored(
    bus: OrderingBus, uow: FakeOrderingUnitOfWork
) -> None:
    await bus.handle(m.PaymentSucceeded(uuid4(), uuid4()))

    assert uow.orders.rows == {}


async def test_the_timer_cancels_orders_whose_step_never_answered(
    bus: OrderingBus, uow: FakeOrderingUnitOfWork, clock: Clock
) -> None:
    await bus.handle(checkout())
    await bus.handle(m.StockReserved(uuid4(), ORDER_ID))
    uow.take_published()
    clock.now = T0 + TIMEOUTS.payment

    expired = await expire_due(bus)

    assert expired == 1
    assert uow.orders.rows[ORDER_ID].status is OrderStatus.CANCELLED
    published = [type(e) for e in uow.take_published()]
    assert published == [ReleaseStock, RefundPayment, OrderCancelled]
    assert uow.orders.rows[ORDER_ID].history[-1].kind == "cancelled"


async def test_the_timer_leaves_orders_within_their_deadline_alone(
    bus: OrderingBus, uow: FakeOrderingUnitOfWork, clock: Clock
) -> None:
    await bus.handle(checkout())
    clock.now = T0 + TIMEOUTS.stock_reservation - timedelta(seconds=1)

    assert await expire_due(bus) == 0
    assert uow.orders.rows[ORDER_ID].status is OrderStatus.PENDING


async def test_a_checkout_is_scored_from_the_customers_earlier_orders(
    bus: OrderingBus, uow: FakeOrderingUnitOfWork
) -> None:
    for _ in range(10):
        await bus.handle(checkout(uuid4()))

    await bus.handle(checkout())

    risk = uow.orders.rows[ORDER_ID].risk
    assert risk is not None
    assert [(r.rule, r.points) for r in risk.reasons] == [("velocity", 40)]
    assert not risk.suspected


async def test_a_suspected_checkout_is_cancelled_once_its_stock_is_reserved(
    uow: FakeOrderingUnitOfWork, clock: Clock
) -> None:
    strict = replace(FraudRules(), velocity_limit=1, threshold=40)
    bus = message_bus(lambda: uow, OrderingDependencies(TIMEOUTS, clock, fraud=strict))
    await bus.handle(checkout(uuid4()))
    await bus.handle(checkout())
    uow.take_published()

    await bus.handle(m.StockReserved(uuid4(), ORDER_ID))

    order = uow.orders.rows[ORDER_ID]
    assert (order.status, order.cancel_reason) == (
        OrderStatus.CANCELLED,
        CancelReason.FRAUD_SUSPECTED,
    )
    assert [type(e) for e in uow.take_published()] == [ReleaseStock, OrderCancelled]
