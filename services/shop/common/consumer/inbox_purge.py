"""Inbox retention: deleting handled event ids once no redelivery can still bring them back.

A consumer worker purges its group's rows every `SHOP_INBOX_PURGE_INTERVAL`
(`purge_inbox_periodically`, started by `EventConsumer.run`); `shop purge-inbox <context>`
purges a whole schema on demand. Each batch is its own short transaction, so a purge of
millions of rows never holds locks for long nor blocks message handling (docs/adr/0004).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete, func, select, text, tuple_
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from shop.common.consumer.metrics import ConsumerMetrics
from shop.common.messaging_settings import InboxSettings
from shop.common.outbox import messaging_tables, require_schema_name
from shop.common.uow import UnitOfWork

logger = logging.getLogger(__name__)


async def purge_inbox_batch(
    uow: UnitOfWork, older_than: timedelta, *, limit: int, consumer_group: str | None = None
) -> int:
    """In an open unit of work: delete up to `limit` rows handled more than `older_than` ago.

    Oldest first; rows another purger holds are skipped rather than waited for. Age is measured
    by the database clock, which also stamped `handled_at`.
    """
    inbox = uow.tables.inbox
    expired = select(inbox.c.consumer_group, inbox.c.event_id).where(
        inbox.c.handled_at < func.now() - older_than
    )
    if consumer_group is not None:
        expired = expired.where(inbox.c.consumer_group == consumer_group)
    expired = expired.order_by(inbox.c.handled_at).limit(limit).with_for_update(skip_locked=True)
    key = tuple_(inbox.c.consumer_group, inbox.c.event_id)
    result = await uow.session.execute(delete(inbox).where(key.in_(expired)))
    return int(getattr(result, "rowcount", 0))


async def purge_inbox(
    uow_factory: Callable[[], UnitOfWork],
    older_than: timedelta,
    *,
    batch_size: int,
    consumer_group: str | None = None,
) -> int:
    """Delete every inbox row (of one group, or all) older than `older_than`; return how many."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    total = 0
    while True:
        async with uow_factory() as uow:
            deleted = await purge_inbox_batch(
                uow, older_than, limit=batch_size, consumer_group=consumer_group
            )
            await uow.commit()
        total += deleted
        if deleted < batch_size:
            return total


async def purge_inbox_periodically(
    uow_factory: Callable[[], UnitOfWork],
    *,
    consumer_group: str,
    settings: InboxSettings,
    metrics: ConsumerMetrics,
    stop: asyncio.Event,
) -> None:
    """Purge the group's expired inbox rows now and every interval, until `stop` is set.

    A failed purge (say, the database is down) is logged and counted, and tried again at the
    next interval: retention must never stop message handling.
    """
    interval = settings.inbox_purge_interval.total_seconds()
    while not stop.is_set():
        try:
            purged = await purge_inbox(
                uow_factory,
                settings.inbox_retention,
                batch_size=settings.inbox_purge_batch_size,
                consumer_group=consumer_group,
            )
        except Exception as err:  # housekeeping: report, retry later, never stop the consumer
            metrics.inbox_purge_failures.labels(consumer_group).inc()
            logger.warning(
                "purging the inbox of %s failed, next try in %gs: %r",
                consumer_group,
                interval,
                err,
                exc_info=not isinstance(err, SQLAlchemyError | OSError),
            )
        else:
            metrics.inbox_purged.labels(consumer_group).inc(purged)
            metrics.inbox_last_purge.labels(consumer_group).set(time.time())
            if purged:
                logger.info(
                    "purged %d inbox rows of %s older than %s",
                    purged,
                    consumer_group,
                    settings.inbox_retention,
                )
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            continue


async def purge_schema_inbox(
    database_url: str, schema: str, settings: InboxSettings, *, consumer_group: str | None = None
) -> int:
    """`shop purge-inbox`: purge `<schema>.inbox` through its own short-lived engine."""
    require_schema_name(schema)  # it is put into SQL below
    url = make_url(database_url).set(drivername="postgresql+asyncpg")
    engine = create_async_engine(url, pool_size=1)
    try:
        async with engine.connect() as connection:
            exists = await connection.scalar(text(f"SELECT to_regclass('{schema}.inbox')"))
        if exists is None:
            raise LookupError(f"{schema}.inbox does not exist; run `shop migrate {schema}` first")
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        tables = messaging_tables(schema)
        return await purge_inbox(
            lambda: UnitOfWork(sessions, tables, source=schema),
            settings.inbox_retention,
            batch_size=settings.inbox_purge_batch_size,
            consumer_group=consumer_group,
        )
    finally:
        await engine.dispose()
