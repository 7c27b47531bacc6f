from shop.common.uuid7 import uuid7, uuid7_sequence


def test_ids_of_one_call_sort_in_the_order_they_were_made() -> None:
    ids = uuid7_sequence(10_000, unix_ms=1_700_000_000_000)
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_ids_are_version_7_with_the_timestamp_in_front() -> None:
    first = uuid7(unix_ms=1_700_000_000_000)
    later = uuid7(unix_ms=1_700_000_000_001)
    assert first.version == 7
    assert first.variant == "specified in RFC 4122"
    assert first < later
    assert first.int >> 80 == 1_700_000_000_000
