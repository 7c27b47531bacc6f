"""An in-memory payment unit of work and a scripted gateway."""

from __future__ import annotations

from decimal import Decimal
from types import TracebackType
from typing import Self
from uuid import UUID

from shop.common.events import DomainEvent
from shop.payment.domain.gateway import ChargeResult
from shop.payment.domain.payment import Payment


class FakePayments:
    def __init__(self) -> None:
        self.rows: dict[UUID, Payment] = {}

    async def get(self, order_id: UUID) -> Payment | None:
        return self.rows.get(order_id)

    async def lock(self, order_id: UUID) -> Payment | None:
        return self.rows.get(order_id)

    async def add(self, payment: Payment) -> None:
        self.rows[payment.order_id] = payment

    async def save(self, payment: Payment) -> None:
        self.rows[payment.order_id] = payment


class FakePaymentUnitOfWork:
    def __init__(self) -> None:
        self.payments = FakePayments()
        self.published: list[DomainEvent] = []

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def commit(self) -> None:
        for payment in self.payments.rows.values():
            self.published += [recorded.event for recorded in payment.drain_events()]


class ScriptedGateway:
    """Answers every charge with `answer`; remembers what it was asked."""

    def __init__(self, answer: ChargeResult) -> None:
        self.answer = answer
        self.charges: list[UUID] = []
        self.refunds: list[tuple[str, Decimal]] = []

    async def charge(self, order_id: UUID, amount: Decimal, currency: str) -> ChargeResult:
        self.charges.append(order_id)
        return self.answer

    async def refund(self, reference: str, amount: Decimal, currency: str) -> None:
        self.refunds.append((reference, amount))
