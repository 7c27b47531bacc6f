import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from shop.common.aggregate import Aggregate
from shop.common.events import DomainEvent, Envelope, EnvelopeError, rfc3339


@dataclass(frozen=True)
class OrderPlaced(DomainEvent):
    type = "order.placed"
    order_id: uuid.UUID
    total: Decimal


class Order(Aggregate):
    aggregate_type = "order"

    def __init__(self, order_id: uuid.UUID) -> None:
        self.id = order_id

    def place(self) -> None:
        self.record(OrderPlaced(self.id, Decimal("12.50")))


def test_envelope_has_the_fixed_fields_in_camel_case() -> None:
    order_id = uuid.uuid4()
    envelope = Envelope.wrap(
        OrderPlaced(order_id, Decimal("9.99")),
        source="ordering",
        aggregate_type="order",
        aggregate_id=str(order_id),
    )
    document = json.loads(envelope.to_json())
    assert list(document) == [
        "id",
        "type",
        "version",
        "source",
        "aggregateType",
        "aggregateId",
        "occurredAt",
        "data",
    ]
    assert document["type"] == "order.placed"
    assert document["version"] == 1
    assert document["data"] == {"order_id": str(order_id), "total": "9.99"}
    assert document["occurredAt"].endswith("Z")
    assert envelope.key == str(order_id).encode()


def test_envelope_round_trips_through_json() -> None:
    envelope = Envelope.wrap(
        OrderPlaced(uuid.uuid4(), Decimal("1")),
        source="ordering",
        aggregate_type="order",
        aggregate_id="a-1",
    )
    assert Envelope.from_json(envelope.to_json()) == Envelope.from_dict(envelope.to_dict())
    assert Envelope.from_json(envelope.to_json()).id == envelope.id


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"not json", "not JSON"),
        (b"[1]", "JSON object"),
        (b'{"id": "x"}', "lacks"),
        (None, "tombstone"),
        (b"\xff\xfe", "not JSON"),
    ],
)
def test_undecodable_messages_raise_envelope_error(raw: bytes | None, message: str) -> None:
    with pytest.raises(EnvelopeError, match=message):
        Envelope.from_json(raw)


def test_invalid_version_and_timestamp_are_rejected() -> None:
    good = Envelope.wrap(
        OrderPlaced(uuid.uuid4(), Decimal("1")),
        source="s",
        aggregate_type="order",
        aggregate_id="1",
    ).to_dict()
    with pytest.raises(EnvelopeError, match="version"):
        Envelope.from_dict({**good, "version": "1"})
    with pytest.raises(EnvelopeError, match="UTC offset"):
        Envelope.from_dict({**good, "occurredAt": "2024-01-01T00:00:00"})
    with pytest.raises(EnvelopeError, match="id or occurredAt"):
        Envelope.from_dict({**good, "id": "nope"})


def test_rfc3339_refuses_naive_datetimes() -> None:
    assert rfc3339(datetime(2024, 5, 1, 12, tzinfo=UTC)) == "2024-05-01T12:00:00.000000Z"
    with pytest.raises(ValueError, match="timezone"):
        rfc3339(datetime(2024, 5, 1))


def test_aggregate_collects_events_until_drained() -> None:
    order = Order(uuid.uuid4())
    order.place()
    order.place()
    assert [r.event.type for r in order.pending_events] == ["order.placed", "order.placed"]
    drained = order.drain_events()
    assert len(drained) == 2
    assert order.pending_events == ()
    assert order.aggregate_id == str(order.id)


def test_null_fields_are_left_out_of_event_data_like_debezium_does() -> None:
    envelope = Envelope.wrap(
        OrderPlaced(uuid.uuid4(), Decimal("1")),
        source="s",
        aggregate_type="order",
        aggregate_id="1",
    )
    nested = Envelope(
        envelope.id,
        "t",
        1,
        "s",
        "order",
        "1",
        envelope.occurred_at,
        {"a": None, "b": {"c": None, "d": 1}, "e": [{"f": None}]},
    )
    assert nested.to_dict()["data"] == {"b": {"d": 1}, "e": [{}]}
