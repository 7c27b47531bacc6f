"""Reports' ports: the projection store and the unit of work (handlers never commit).

The API reads the projection through `adapters.queries`, not through these ports."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from shop.common.uow_port import UnitOfWorkPort
from shop.reports.domain.projection import Change


class ProjectionStore(Protocol):
    async def status_of(self, order_id: UUID) -> str | None:
        """The order's last projected status, locked until commit; None if never seen."""
        ...

    async def apply(self, change: Change) -> None: ...


class ReportsUnitOfWork(UnitOfWorkPort, Protocol):
    @property
    def projection(self) -> ProjectionStore: ...
