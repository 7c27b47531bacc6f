"""A bounded context's SQL unit of work: the shared `UnitOfWork` over the context's own schema.

A context names its messaging tables and opens its repositories; everything else (transaction,
outbox, inbox) is `shop.common.uow.UnitOfWork`'s:

    class SqlPaymentUnitOfWork(ContextUnitOfWork):
        messaging = MESSAGING
        payments: SqlPaymentRepository

        def open_repositories(self) -> None:
            self.payments = SqlPaymentRepository(self.connection, self.track)
"""

from __future__ import annotations

from typing import ClassVar, Self

from shop.common.held_write import HeldWrite
from shop.common.messaging_settings import OutboxMode
from shop.common.outbox import MessagingTables
from shop.common.outbox_write import OutboxRows, outbox_written
from shop.common.uow import Engine, UnitOfWork


class ContextUnitOfWork(UnitOfWork):
    """Writes to `messaging.schema`'s outbox as that context (the envelopes' `source`)."""

    messaging: ClassVar[MessagingTables]

    def __init__(
        self,
        engine: Engine,
        outbox_mode: OutboxMode = OutboxMode.RELAY,
    ) -> None:
        super().__init__(
            engine, self.messaging, source=self.messaging.schema, outbox_mode=outbox_mode
        )

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.open_repositories()
        return self

    def open_repositories(self) -> None:
        """Attach the context's repositories to `self.session` (SQLAlchemy Core) or
        `self.connection` (plain asyncpg), as each transaction begins."""

    def held_write(self) -> HeldWrite | None:
        """The repository write this context holds back to the commit (`shop.common.held_write`,
        docs/adr/0061); None: its repositories write at once."""
        return None

    async def write_last(self, outbox: OutboxRows) -> None:
        held = self.held_write()
        if held is not None and await held.send_with(outbox):
            await outbox_written(self.connection, self.tables, outbox, mode=self.outbox_mode)
        else:
            await super().write_last(outbox)
