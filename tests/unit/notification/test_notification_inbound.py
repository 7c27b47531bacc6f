"""Notification's view of the events it consumes matches what their producers publish."""

from __future__ import annotations

from dataclasses import fields

import pytest

from shop.common.events import DomainEvent
from shop.notification.entrypoints.consumers import DEFINED, INBOUND
from shop.ordering.domain.events import OrderCancelled, OrderConfirmed
from shop.payment.domain.events import PaymentFailed


@pytest.mark.parametrize("event", [OrderConfirmed, OrderCancelled, PaymentFailed])
def test_the_fields_taken_as_defined_are_the_published_events_fields(
    event: type[DomainEvent],
) -> None:
    assert event.version == 1
    assert DEFINED[event.type] == {field.name for field in fields(event)}


def test_every_event_notified_about_has_its_fields_declared() -> None:
    assert INBOUND.keys() == DEFINED.keys()
