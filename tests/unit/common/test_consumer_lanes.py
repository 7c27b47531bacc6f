"""Lanes by key within a partition, and the offset a partition may be committed up to."""

from __future__ import annotations

import zlib

import pytest
from aiokafka import ConsumerRecord

from shop.common.consumer.lanes import Watermark, lane_of, lanes

pytestmark = pytest.mark.unit


def record(offset: int, key: bytes | None) -> ConsumerRecord:
    return ConsumerRecord(
        topic="shop.payment.commands",
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=key,
        value=b"{}",
        checksum=None,
        serialized_key_size=len(key or b""),
        serialized_value_size=2,
        headers=[],
    )


def test_a_key_always_takes_the_same_lane_and_a_record_without_one_lane_zero() -> None:
    assert lane_of(b"order-7", 4) == zlib.crc32(b"order-7") % 4 == lane_of(b"order-7", 4)
    assert lane_of(None, 4) == 0
    assert {lane_of(f"order-{n}".encode(), 1) for n in range(50)} == {0}
    assert len({lane_of(f"order-{n}".encode(), 4) for n in range(50)}) == 4  # keys spread


def test_lanes_keep_each_keys_records_in_the_partitions_order() -> None:
    keys = [b"a", b"b", b"c", None, b"a", b"b", b"d", None, b"a", b"c"]
    records = [record(offset, key) for offset, key in enumerate(keys, start=100)]
    split = lanes(records, 3)
    assert sorted(r.offset for lane in split for r in lane) == [r.offset for r in records]
    assert all(lane for lane in split)
    assert len(split) <= 3
    for lane in split:
        assert [r.offset for r in lane] == sorted(r.offset for r in lane)
        assert all(lane_of(r.key, 3) == lane_of(lane[0].key, 3) for r in lane)
    for key in set(keys):
        (lane,) = [lane for lane in split if any(r.key == key for r in lane)]  # one lane per key
    assert any(r.key is None for r in next(lane for lane in split if lane_of(lane[0].key, 3) == 0))


def test_one_lane_is_the_partition_itself() -> None:
    records = [record(offset, f"k{offset}".encode()) for offset in range(5)]
    assert lanes(records, 1) == [records]
    assert lanes([], 4) == []


def test_the_watermark_never_passes_an_offset_not_done() -> None:
    watermark = Watermark([10, 11, 12, 13, 14])
    assert watermark.committable is None
    assert watermark.mark(12) is None  # a later lane finished first: 10 and 11 are not done
    assert watermark.mark(14) is None
    assert watermark.committable is None
    assert watermark.mark(10) == 11  # 10 done: commit up to it, 11 is read again
    assert watermark.mark(11) == 13  # 11 done: 12 was already, 13 is not
    assert watermark.mark(13) == 15  # all done
    assert watermark.committable == 15


def test_the_watermark_follows_offsets_with_gaps() -> None:
    watermark = Watermark([3, 5, 9])  # transaction markers and compaction leave gaps
    assert watermark.mark(5) is None
    assert watermark.mark(3) == 6
    assert watermark.mark(9) == 10


def test_in_order_marks_advance_one_offset_at_a_time() -> None:
    watermark = Watermark([0, 1, 2])
    assert [watermark.mark(offset) for offset in (0, 1, 2)] == [1, 2, 3]


def test_offsets_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError, match="increasing"):
        Watermark([4, 3])


def test_the_watermark_grows_with_each_poll_and_counts_what_is_not_done() -> None:
    watermark = Watermark([0, 1, 2])
    assert watermark.mark(1) is None
    watermark.extend([3, 4])  # the next poll, while offset 0 is still being applied
    assert watermark.undone == 4
    assert watermark.mark(4) is None
    assert watermark.mark(0) == 2
    assert watermark.undone == 2  # 2 and 3
    assert watermark.mark(2) == 3
    assert watermark.mark(3) == 5
    assert watermark.undone == 0
    watermark.extend([7])  # after a gap, and after all before it were done
    assert watermark.committable == 5
    assert watermark.mark(7) == 8


def test_a_poll_may_not_go_back_on_the_offsets_added() -> None:
    watermark = Watermark([5, 6])
    assert watermark.mark(5) == 6
    assert watermark.mark(6) == 7
    with pytest.raises(ValueError, match="increasing"):
        watermark.extend([6])
