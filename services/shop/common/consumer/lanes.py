"""Lanes of a partition: its records split by key, and the offsets that may be committed.

Kafka orders a partition; the saga needs order per aggregate only, which is per record key
(`shop.topology`). `lanes(records, count)` splits one partition's polled records into up to
`count` lanes by a stable hash of the key (a record without one goes to lane 0), each lane in
the partition's order: the dispatcher queues each lane apart and applies lanes concurrently, so
one key's records stay in order while other keys' overtake them (ADR 0060).

Lanes finish out of order, so a later offset of a partition may be done before an earlier one.
`Watermark` says how far the partition may be committed: up to the first offset handed to the
lanes and not done yet, never past it, whatever is done beyond; each poll extends it.
"""

from __future__ import annotations

import zlib
from collections import deque
from collections.abc import Iterable, Sequence

from aiokafka import ConsumerRecord


def lane_of(key: bytes | None, count: int) -> int:
    """The lane (0 to `count` - 1) of a record's key; the same on every process and run."""
    if key is None or count == 1:
        return 0
    return zlib.crc32(key) % count


def lanes(records: Sequence[ConsumerRecord], count: int) -> list[list[ConsumerRecord]]:
    """`records` of one partition split into up to `count` lanes by key, each in order;
    empty lanes are left out."""
    if count == 1:
        return [list(records)] if records else []
    split: list[list[ConsumerRecord]] = [[] for _ in range(count)]
    for record in records:
        split[lane_of(record.key, count)].append(record)
    return [lane for lane in split if lane]


class Watermark:
    """The offsets of one partition's records, in order as they are added, and how many of them
    are done from the first on: `mark` returns the offset to commit once that grew, else None."""

    def __init__(self, offsets: Iterable[int] = ()) -> None:
        self._pending: deque[int] = deque()  # added, and not passed by the committable offset
        self._done: set[int] = set()  # of those, the ones done
        self._last: int | None = None
        self._committable: int | None = None
        self.extend(offsets)

    def extend(self, offsets: Iterable[int]) -> None:
        """More offsets of the partition, each above every one added before."""
        for offset in offsets:
            if self._last is not None and offset <= self._last:
                raise ValueError("a partition's offsets must be increasing")
            self._pending.append(offset)
            self._last = offset

    @property
    def committable(self) -> int | None:
        """The next offset to read (the last contiguously done one + 1); None if none is done."""
        return self._committable

    @property
    def undone(self) -> int:
        """How many of the offsets added are not done yet."""
        return len(self._pending) - len(self._done)

    def mark(self, offset: int) -> int | None:
        """`offset` is done; the new `committable` if it advanced, else None."""
        pending, done = self._pending, self._done
        done.add(offset)
        if not pending or pending[0] != offset:
            return None
        while pending and pending[0] in done:
            done.discard(pending[0])
            self._committable = pending.popleft() + 1
        return self._committable
