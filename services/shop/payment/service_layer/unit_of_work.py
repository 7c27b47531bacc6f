"""Payment's ports: the gateway, the payment repository and the unit of work (handlers never
commit)."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol
from uuid import UUID

from shop.common.uow_port import UnitOfWorkPort
from shop.payment.domain.gateway import ChargeResult
from shop.payment.domain.payment import Payment


class PaymentGateway(Protocol):
    """Charges and refunds; the order id is the idempotency key of a charge."""

    async def charge(self, order_id: UUID, amount: Decimal, currency: str) -> ChargeResult: ...

    async def refund(self, reference: str, amount: Decimal, currency: str) -> None: ...


class PaymentRepository(Protocol):
    async def get(self, order_id: UUID) -> Payment | None: ...

    async def lock(self, order_id: UUID) -> Payment | None:
        """The order's payment, locked until commit."""
        ...

    async def add(self, payment: Payment) -> None: ...

    async def save(self, payment: Payment) -> None: ...


class PaymentUnitOfWork(UnitOfWorkPort, Protocol):
    @property
    def payments(self) -> PaymentRepository: ...
