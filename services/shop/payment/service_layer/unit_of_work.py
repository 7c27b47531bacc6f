"""Payment's ports: the payment repository and the unit of work (handlers never commit)."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Protocol, Self
from uuid import UUID

from shop.payment.domain.payment import Payment


class PaymentRepository(Protocol):
    async def get(self, order_id: UUID) -> Payment | None: ...

    async def lock(self, order_id: UUID) -> Payment | None:
        """The order's payment, locked until commit."""
        ...

    async def add(self, payment: Payment) -> None: ...

    async def save(self, payment: Payment) -> None: ...


class PaymentUnitOfWork(Protocol):
    @property
    def payments(self) -> PaymentRepository: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> Any: ...
