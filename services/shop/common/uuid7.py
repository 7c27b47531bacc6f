"""Time-ordered UUIDs (RFC 9562 version 7) for event ids.

Outbox rows are relayed in `(created_at, id)` order; v7 ids make the tie-break follow the order
in which one unit of work raised its events.
"""

from __future__ import annotations

import os
import time
import uuid

_COUNTER_BITS = 12  # rand_a: a counter within one millisecond and one call


def uuid7(unix_ms: int | None = None) -> uuid.UUID:
    """One version 7 UUID for the given (or current) Unix time in milliseconds."""
    return uuid7_sequence(1, unix_ms)[0]


def uuid7_sequence(count: int, unix_ms: int | None = None) -> list[uuid.UUID]:
    """`count` version 7 UUIDs that sort in the order returned (one timestamp, rising counter)."""
    if count < 1:
        raise ValueError("count must be positive")
    millis = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
    ids: list[uuid.UUID] = []
    start = int.from_bytes(os.urandom(2)) & 0x3FF  # leaves room to count up without overflow
    for index in range(count):
        # A batch larger than the counter rolls into the next millisecond, still in order.
        stamp, counter = divmod(start + index, 1 << _COUNTER_BITS)
        random_b = int.from_bytes(os.urandom(8)) & ((1 << 62) - 1)
        value = ((millis + stamp) & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76 | counter << 64 | 0b10 << 62 | random_b
        ids.append(uuid.UUID(int=value))
    return ids
