from dataclasses import dataclass, field

from shop.common.consumer.dlq import DeadLetter, dead_letter_headers


@dataclass
class Record:
    topic: str = "shop.ordering.order"
    partition: int = 2
    offset: int = 41
    headers: list[tuple[str, bytes]] = field(default_factory=list)


def test_dead_letter_headers_tell_why_and_where_from() -> None:
    record = Record(headers=[("event-id", b"e-1"), ("traceparent", b"00-a-b-01")])
    headers = dict(
        dead_letter_headers(record, group="shop.reports", error=ValueError("bad"), attempts=5)
    )
    assert headers["event-id"] == b"e-1"
    assert headers["traceparent"] == b"00-a-b-01"
    assert headers["dlq-error-type"] == b"ValueError"
    assert headers["dlq-error-message"] == b"bad"
    assert headers["dlq-original-topic"] == b"shop.ordering.order"
    assert headers["dlq-original-partition"] == b"2"
    assert headers["dlq-original-offset"] == b"41"
    assert headers["dlq-attempts"] == b"5"
    assert headers["dlq-consumer-group"] == b"shop.reports"


def test_a_dead_letter_failing_again_keeps_only_its_latest_error() -> None:
    first = dead_letter_headers(Record(), group="g", error=KeyError("x"), attempts=1)
    again = dead_letter_headers(Record(headers=first), group="g", error=OSError("y"), attempts=3)
    assert [value for key, value in again if key == "dlq-error-type"] == [b"OSError"]
    assert [value for key, value in again if key == "dlq-attempts"] == [b"3"]


def test_long_error_messages_are_cut() -> None:
    headers = dict(
        dead_letter_headers(Record(), group="g", error=ValueError("x" * 10_000), attempts=1)
    )
    assert len(headers["dlq-error-message"]) == 2000


def test_a_dead_letter_summary_names_its_origin() -> None:
    letter = DeadLetter(0, 7, b"k", b"{}", (("dlq-original-topic", b"t"), ("event-id", b"e")))
    assert letter.original_topic == "t"
    assert letter.summary()["event_id"] == "e"
    assert letter.summary()["key"] == "k"
