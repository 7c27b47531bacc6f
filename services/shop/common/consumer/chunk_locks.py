"""What a chunk locks before its first message, so that concurrent chunks queue, never deadlock.

A chunk (`batch.BatchProcessor`) holds every lock its messages take until it commits. Each
statement can lock its own rows in key order, but two chunks whose messages take the same rows
in opposite orders still deadlock across messages (ADR 0059). A context whose messages of
different partitions share rows gives its consumer a `ChunkPreparer` (ADR 0062): called in the
chunk's unit of work, after the inbox rows and before the first handler, with the messages the
chunk will apply, it takes every lock their handlers will take, in one order shared by every
chunk (one sorted statement per kind of lock), so a chunk waits for another's locks only while
holding none the other needs. A context declares one with `chunk_preparer(INBOUND, lock)`,
beside its routes:

    Consuming(routes(bus, INBOUND), uow_factory, prepare=chunk_preparer(INBOUND, lock_chunk))

where `lock_chunk(messages, uow)` is a service-layer function over the context's own messages.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from shop.common.consumer.inbound import Inbound
from shop.common.consumer.routing import PoisonMessageError, U
from shop.common.events import Envelope

logger = logging.getLogger(__name__)
M = TypeVar("M")
P = TypeVar("P")

ChunkPreparer = Callable[[Sequence[Envelope], U], Awaitable[None]]
"""Locks, in the chunk's unit of work, what the handlers of these envelopes (the chunk's messages
to apply, in order; duplicates left out) will lock, in one order every chunk shares. It must not
raise for a message it cannot read (the message's handler says why), and it commits nothing."""


def chunk_preparer(
    inbound: Mapping[str, Inbound[M]], lock: Callable[[Sequence[M], P], Awaitable[None]]
) -> ChunkPreparer[Any]:
    """A `ChunkPreparer` that reads each envelope as its `inbound` message (a type the table
    does not hold, or a payload that does not fit it, is left out: its handler refuses it) and
    hands them to `lock(messages, uow)`."""

    async def prepare(envelopes: Sequence[Envelope], uow: P) -> None:
        messages: list[M] = []
        for envelope in envelopes:
            entry = inbound.get(envelope.type)
            if entry is None:
                continue
            try:
                messages.append(entry.read(envelope))
            except PoisonMessageError:
                logger.debug("chunk lock: %s %s left to its handler", envelope.type, envelope.id)
        if messages:
            await lock(messages, uow)

    return prepare
