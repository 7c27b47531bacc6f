"""An in-memory payment unit of work and a scripted gateway."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from uuid import UUID

from shop.payment.domain.gateway import ChargeResult
from shop.payment.domain.payment import Payment
from support.fakes import FakeRows, FakeUnitOfWork


class FakePaymentUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.payments = FakeRows[UUID, Payment](lambda payment: payment.order_id)

    def aggregates(self) -> Iterable[Payment]:
        return self.payments.rows.values()


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
