"""Lanes of a partition: its records split by key, and the offsets that may be committed.

Kafka orders a partition; the saga needs order per aggregate only, which is per record key
(`shop.topology`). `lanes(records, count)` splits one partition's polled records into up to
`count` lanes by a stable hash of the key (a record without one goes to lane 0), each lane in
the partition's order: the runtime applies lanes concurrently, so one key's records stay in
order while other keys' overtake them (ADR 0060).

Lanes finish out of order, so a later offset of a partition may be done before an earlier one.
`Watermark` says how far the partition may be committed: up to the first of the poll's
offsets not done yet, never past it, whatever is done beyond.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Sequence

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
    """The offsets of one partition's polled records, in order, and how many of them are done
    from the first on: `mark` returns the offset to commit once that grew, else None."""

    def __init__(self, offsets: Sequence[int]) -> None:
        if any(later <= earlier for earlier, later in itertools.pairwise(offsets)):
            raise ValueError("a partition's offsets must be increasing")
        self._offsets = list(offsets)
        self._done: set[int] = set()
        self._cursor = 0  # offsets[:cursor] are all done; offsets[cursor] is not

    @property
    def committable(self) -> int | None:
        """The next offset to read (the last contiguously done one + 1); None if none is done."""
        return self._offsets[self._cursor - 1] + 1 if self._cursor else None

    def mark(self, offset: int) -> int | None:
        """`offset` is done; the new `committable` if it advanced, else None."""
        self._done.add(offset)
        before = self._cursor
        while self._cursor < len(self._offsets) and self._offsets[self._cursor] in self._done:
            self._done.discard(self._offsets[self._cursor])
            self._cursor += 1
        return self.committable if self._cursor > before else None
