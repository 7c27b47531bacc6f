"""The order saga's handlers: every message that moves an order, in one place.

EVENT_HANDLERS: basket.checked-out scores the order for fraud (from the customer's earlier
orders) and starts the saga; catalog's and payment's replies advance it.
COMMAND_HANDLERS: the timer's ExpireDeadline times a step out; `expire_due` is the timer's round.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from shop.common import messagebus
from shop.common.clock import Clock, utc_now
from shop.common.uuid7 import uuid7
from shop.ordering.domain import messages as m
from shop.ordering.domain.commands import ExpireDeadline
from shop.ordering.domain.fraud import FraudRules, assess
from shop.ordering.domain.order import Order
from shop.ordering.domain.order_terms import OrderStatus
from shop.ordering.domain.saga_state import SagaTimeouts
from shop.ordering.service_layer.unit_of_work import OrderingUnitOfWork, SagaObserver

log = logging.getLogger(__name__)


class _Unobserved:
    def changed(self, order: Order, previous: OrderStatus | None, now: datetime) -> None:
        return None


@dataclass(frozen=True)
class OrderingDependencies:
    timeouts: SagaTimeouts
    clock: Clock = field(default=utc_now)
    fraud: FraudRules = field(default_factory=FraudRules)
    new_id: Callable[[], UUID] = uuid7
    observer: SagaObserver = field(default_factory=_Unobserved)


async def place_order(
    msg: m.CheckoutReceived, uow: OrderingUnitOfWork, deps: OrderingDependencies
) -> None:
    now = deps.clock()
    terms, rules = msg.terms, deps.fraud
    history = await uow.orders.history_before(
        msg.order_id, terms.customer_id, terms.currency, since=now - rules.velocity_window
    )
    if history is None:
        log.info("order %s was placed already; checkout %s ignored", msg.order_id, msg.event_id)
        return
    screened = replace(msg, risk=assess(terms, history, rules))
    order = Order.place(screened, now, deps.timeouts)
    await uow.orders.add(order)
    deps.observer.changed(order, None, now)


async def advance_saga(
    msg: m.SagaMessage, uow: OrderingUnitOfWork, deps: OrderingDependencies
) -> None:
    order = await uow.orders.lock(msg.order_id)
    if order is None:
        log.warning("%s for unknown order %s ignored", type(msg).__name__, msg.order_id)
        return
    previous, now = order.status, deps.clock()
    if not order.handle(msg, now, deps.timeouts):
        log.info(
            "%s %s changes nothing for order %s (late or duplicate)",
            type(msg).__name__,
            msg.event_id,
            msg.order_id,
        )
        return
    await uow.orders.save(order)
    deps.observer.changed(order, previous, now)


async def expire_deadline(
    cmd: ExpireDeadline, uow: OrderingUnitOfWork, deps: OrderingDependencies
) -> None:
    await advance_saga(m.DeadlineReached(deps.new_id(), cmd.order_id), uow, deps)


Handler = messagebus.Handler[OrderingUnitOfWork, OrderingDependencies]

EVENT_HANDLERS: dict[type[m.SagaMessage], list[Handler]] = {
    m.CheckoutReceived: [place_order],
    m.StockReserved: [advance_saga],
    m.StockReservationFailed: [advance_saga],
    m.StockReleased: [advance_saga],
    m.PaymentSucceeded: [advance_saga],
    m.PaymentFailed: [advance_saga],
    m.PaymentRefunded: [advance_saga],
}

COMMAND_HANDLERS: dict[type, Handler] = {
    ExpireDeadline: expire_deadline,
}


async def expire_due(
    bus: messagebus.MessageBus[OrderingUnitOfWork, OrderingDependencies], batch_size: int = 100
) -> int:
    """Time out every order past its step deadline, each in its own transaction."""
    async with bus.uow_factory() as uow:
        due = await uow.orders.due(bus.deps.clock(), batch_size)
    for order_id in due:
        await bus.handle(ExpireDeadline(order_id))
    return len(due)
