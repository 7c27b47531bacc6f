"""Reports' ports: the projection store and the unit of work (handlers never commit)."""

from __future__ import annotations

from datetime import date
from typing import Protocol
from uuid import UUID

from shop.common.uow_port import UnitOfWorkPort
from shop.reports.domain.projection import Change, DaySales, ProductSale


class ProjectionStore(Protocol):
    async def status_of(self, order_id: UUID) -> str | None:
        """The order's last projected status, locked until commit; None if never seen."""
        ...

    async def apply(self, change: Change) -> None: ...

    async def sales_per_day(self, first: date, last: date) -> dict[tuple[date, str], DaySales]: ...

    async def top_products(self, limit: int) -> list[ProductSale]: ...

    async def orders_by_status(self) -> dict[str, int]: ...


class ReportsUnitOfWork(UnitOfWorkPort, Protocol):
    @property
    def projection(self) -> ProjectionStore: ...
