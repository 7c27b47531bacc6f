"""Wires payment: the mock gateway and the shared bus, with payment's handlers, over SQL units
of work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop.common.messagebus import MessageBus
from shop.payment.adapters.mock_gateway import MockGateway
from shop.payment.adapters.unit_of_work import SqlPaymentUnitOfWork
from shop.payment.domain.gateway import PaymentGateway
from shop.payment.service_layer.handlers import COMMAND_HANDLERS, PaymentDependencies
from shop.payment.service_layer.unit_of_work import PaymentUnitOfWork
from shop.payment.settings import PaymentSettings

PaymentBus = MessageBus[PaymentUnitOfWork, PaymentDependencies]


def message_bus(uow: Callable[[], PaymentUnitOfWork], deps: PaymentDependencies) -> PaymentBus:
    """The shared bus with payment's handler tables (over SQL or, in unit tests, the fakes)."""
    return MessageBus(uow, deps, commands=COMMAND_HANDLERS)


@dataclass(frozen=True)
class Payments:
    bus: PaymentBus
    sessions: async_sessionmaker[AsyncSession]

    def unit_of_work(self) -> SqlPaymentUnitOfWork:
        return SqlPaymentUnitOfWork(self.sessions)


def mock_gateway(settings: PaymentSettings) -> MockGateway:
    return MockGateway(
        failure_rate=settings.gateway_failure_rate,
        latency_seconds=settings.gateway_latency_seconds,
        seed=settings.gateway_seed,
    )


def bootstrap(engine: AsyncEngine, gateway: PaymentGateway) -> Payments:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    bus = message_bus(lambda: SqlPaymentUnitOfWork(sessions), PaymentDependencies(gateway))
    return Payments(bus, sessions)
