"""Wires reports: SQL units of work over the projection."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop.reports.adapters.unit_of_work import SqlReportsUnitOfWork


@dataclass(frozen=True)
class Reports:
    sessions: async_sessionmaker[AsyncSession]

    def unit_of_work(self) -> SqlReportsUnitOfWork:
        return SqlReportsUnitOfWork(self.sessions)


def bootstrap(engine: AsyncEngine) -> Reports:
    return Reports(async_sessionmaker(engine, expire_on_commit=False))
