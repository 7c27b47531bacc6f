"""The unit of work as handlers see it: a transaction they run in and never commit themselves.

`shop.common.uow.UnitOfWork` is the SQL implementation; tests use in-memory fakes. A context's
port adds its repositories:

    class PaymentUnitOfWork(UnitOfWorkPort, Protocol):
        @property
        def payments(self) -> PaymentRepository: ...
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Protocol, Self


class UnitOfWorkPort(Protocol):
    """`async with uow:` opens a transaction; leaving it without `commit()` rolls back."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> Any:
        """Make the changes and the events they raised durable, atomically."""
        ...
