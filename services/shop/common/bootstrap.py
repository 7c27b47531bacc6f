"""What every context's `bootstrap(engine, ...)` returns: its bus, read sessions, units of work.

A context's `bootstrap.py` names the result and builds it with `wired` (payment's):

    Payments = Wired[PaymentBus, SqlPaymentUnitOfWork]

    def bootstrap(engine, gateway, outbox_mode=OutboxMode.RELAY) -> Payments:
        deps = PaymentDependencies(gateway)
        return wired(engine, SqlPaymentUnitOfWork, outbox_mode, lambda uow: message_bus(uow, deps))

A process builds it once, in its wiring hook, with the outbox mode of its settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop.common.messaging_settings import OutboxMode

B = TypeVar("B")
W = TypeVar("W")


@dataclass(frozen=True)
class Wired(Generic[B, W]):
    """A context wired on one engine: `bus` for writes, `sessions` for reads (queries: each
    statement in autocommit, no BEGIN or ROLLBACK around it), and `unit_of_work` for the
    consumer (the one the bus's handlers are given too)."""

    bus: B
    sessions: async_sessionmaker[AsyncSession]
    unit_of_work: Callable[[], W]


def wired(
    engine: AsyncEngine,
    unit_of_work: Callable[[AsyncEngine, OutboxMode], W],
    outbox_mode: OutboxMode,
    bus: Callable[[Callable[[], W]], B],
) -> Wired[B, W]:
    """Units of work on `engine` in `outbox_mode` (each one connection, docs/adr/0055), the
    bus on those, and read sessions.

    Reads run in autocommit: under READ COMMITTED each statement sees the same snapshot in a
    transaction as without one, and a read then costs one round trip instead of three.
    """
    reads = async_sessionmaker(
        engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
    )

    def new_unit_of_work() -> W:
        return unit_of_work(engine, outbox_mode)

    return Wired(bus(new_unit_of_work), reads, new_unit_of_work)
