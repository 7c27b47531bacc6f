"""The deliveries a process sent, remembered across a rollback: bounded, oldest out first."""

from __future__ import annotations

from uuid import uuid4

import pytest

from shop.notification.service_layer.delivery import DeliveryOutcome, SentMessages

SENT = DeliveryOutcome("alice@example.com", "subject", "body", 1, None)


def test_a_sent_delivery_is_remembered_by_event_and_template() -> None:
    sent = SentMessages()
    event = uuid4()

    sent.add(event, "order-confirmed", SENT)

    assert sent.get(event, "order-confirmed") == SENT
    assert sent.get(event, "order-cancelled") is None
    assert sent.get(uuid4(), "order-confirmed") is None


def test_beyond_its_capacity_the_oldest_delivery_is_forgotten() -> None:
    sent = SentMessages(capacity=2)
    first, second, third = uuid4(), uuid4(), uuid4()

    for event in (first, second, third):
        sent.add(event, "order-confirmed", SENT)

    assert len(sent) == 2
    assert sent.get(first, "order-confirmed") is None
    assert sent.get(third, "order-confirmed") == SENT


def test_a_capacity_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="capacity"):
        SentMessages(capacity=0)
