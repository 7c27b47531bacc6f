"""Wires payment: the mock gateway and a message bus over SQL units of work."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop.payment.adapters.mock_gateway import MockGateway
from shop.payment.adapters.unit_of_work import SqlPaymentUnitOfWork
from shop.payment.domain.gateway import PaymentGateway
from shop.payment.service_layer.handlers import PaymentDependencies
from shop.payment.service_layer.messagebus import MessageBus
from shop.payment.settings import PaymentSettings


@dataclass(frozen=True)
class Payments:
    bus: MessageBus
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
    bus = MessageBus(lambda: SqlPaymentUnitOfWork(sessions), PaymentDependencies(gateway))
    return Payments(bus, sessions)
