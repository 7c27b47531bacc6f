"""Wires payment: the mock gateway and the shared bus, with payment's handlers, over SQL units
of work."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from shop.common.bootstrap import Wired, wired
from shop.common.messagebus import MessageBus
from shop.common.messaging_settings import OutboxMode
from shop.payment.adapters.mock_gateway import MockGateway
from shop.payment.adapters.unit_of_work import SqlPaymentUnitOfWork
from shop.payment.service_layer.handlers import COMMAND_HANDLERS, PaymentDependencies
from shop.payment.service_layer.unit_of_work import PaymentGateway, PaymentUnitOfWork
from shop.payment.settings import PaymentSettings

PaymentBus = MessageBus[PaymentUnitOfWork, PaymentDependencies]


def message_bus(uow: Callable[[], PaymentUnitOfWork], deps: PaymentDependencies) -> PaymentBus:
    """The shared bus with payment's handler tables (over SQL or, in unit tests, the fakes)."""
    return MessageBus(uow, deps, commands=COMMAND_HANDLERS)


Payments = Wired[PaymentBus, SqlPaymentUnitOfWork]


def mock_gateway(settings: PaymentSettings) -> MockGateway:
    return MockGateway(
        failure_rate=settings.gateway_failure_rate,
        latency_seconds=settings.gateway_latency_seconds,
        seed=settings.gateway_seed,
    )


def bootstrap(
    engine: AsyncEngine, gateway: PaymentGateway, outbox_mode: OutboxMode = OutboxMode.RELAY
) -> Payments:
    deps = PaymentDependencies(gateway)
    return wired(engine, SqlPaymentUnitOfWork, outbox_mode, lambda uow: message_bus(uow, deps))
