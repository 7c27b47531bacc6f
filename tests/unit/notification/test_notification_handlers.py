"""Notifying about events: templates from the repository, retries, breaker, lookup fallback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from shop.notification.bootstrap import message_bus
from shop.notification.domain import commands as c
from shop.notification.domain.circuit_breaker import BreakerState, CircuitBreaker
from shop.notification.domain.delivery import DeliveryStatus
from shop.notification.domain.errors import TemplateError, TemplateNotFoundError
from shop.notification.domain.events import NotificationFailed, NotificationSent
from shop.notification.domain.retry import RetryPolicy
from shop.notification.service_layer.delivery import BreakerBox
from shop.notification.service_layer.handlers import NotificationDependencies
from shop.notification.service_layer.unit_of_work import OrderLookup
from unit.notification.notification_fakes import (
    FakeNotificationUnitOfWork,
    FlakyChannel,
    ScriptedLookup,
)

NOW = datetime(2026, 5, 1, tzinfo=UTC)
CONFIRMED = c.PutTemplate(
    "order-confirmed",
    "order.confirmed",
    "Order {{ order_id }} confirmed",
    "{{ items | Your items }} are on their way; {{ total }} {{ currency }} paid.",
)
EVENT_DATA = {
    "order_id": "o-1",
    "customer_id": "alice",
    "total": "23.00",
    "currency": "EUR",
    "lines": [{"name": "Mug", "quantity": 2}],
}


class Setup:
    def __init__(
        self, channel: FlakyChannel, lookup: OrderLookup | None = None, threshold: int = 5
    ) -> None:
        self.uow = FakeNotificationUnitOfWork()
        self.channel = channel
        self.pauses: list[float] = []
        self.box = BreakerBox(CircuitBreaker(threshold, timedelta(seconds=60)))
        deps = NotificationDependencies(
            channel=channel,
            breaker=self.box,
            retry=RetryPolicy(attempts=3, initial_delay=timedelta(seconds=1)),
            lookup=lookup,
            clock=lambda: NOW,
            sleep=self.pause,
        )
        self.bus = message_bus(lambda: self.uow, deps)

    async def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)

    async def notify(self, data: dict[str, object] | None = None) -> c.Notify:
        event = c.Notify(uuid4(), "order.confirmed", uuid4(), data or EVENT_DATA)
        await self.bus.handle(event)
        return event


async def test_an_event_with_a_template_is_rendered_and_sent_to_the_customer() -> None:
    setup = Setup(FlakyChannel())
    await setup.bus.handle(CONFIRMED)

    event = await setup.notify()

    (sent,) = setup.channel.sent
    assert sent.recipient == "alice"
    assert sent.subject == "Order o-1 confirmed"
    assert sent.body == "2 x Mug are on their way; 23.00 EUR paid."
    (logged,) = setup.uow.deliveries.rows
    assert (logged.status, logged.cause_event_id, logged.attempts) == (
        DeliveryStatus.SENT,
        event.event_id,
        1,
    )
    assert [type(e) for e in setup.uow.published] == [NotificationSent]


async def test_an_event_without_a_template_sends_nothing() -> None:
    setup = Setup(FlakyChannel())

    await setup.notify()

    assert setup.channel.calls == 0
    assert setup.uow.deliveries.rows == []


async def test_the_same_event_is_delivered_once() -> None:
    setup = Setup(FlakyChannel())
    await setup.bus.handle(CONFIRMED)
    event = await setup.notify()

    await setup.bus.handle(event)

    assert len(setup.channel.sent) == 1


async def test_a_failing_channel_is_retried_with_backoff_until_it_delivers() -> None:
    setup = Setup(FlakyChannel(failures=2))
    await setup.bus.handle(CONFIRMED)

    await setup.notify()

    assert setup.channel.calls == 3
    assert setup.pauses == [1.0, 2.0]
    assert setup.uow.deliveries.rows[0].attempts == 3


async def test_a_delivery_that_keeps_failing_is_logged_and_announced_as_failed() -> None:
    setup = Setup(FlakyChannel(failures=99))
    await setup.bus.handle(CONFIRMED)

    await setup.notify()

    (logged,) = setup.uow.deliveries.rows
    assert logged.status is DeliveryStatus.FAILED
    assert logged.error == "refused (call 3)"
    (failed,) = setup.uow.published
    assert isinstance(failed, NotificationFailed)


async def test_an_open_breaker_fails_deliveries_fast_without_calling_the_channel() -> None:
    setup = Setup(FlakyChannel(failures=99), threshold=3)
    await setup.bus.handle(CONFIRMED)
    await setup.notify()
    calls = setup.channel.calls

    await setup.notify()

    assert setup.box.breaker.state is BreakerState.OPEN
    assert setup.channel.calls == calls
    assert setup.uow.deliveries.rows[-1].attempts == 0
    assert (setup.uow.deliveries.rows[-1].error or "").startswith("circuit open")


async def test_a_lookup_completes_what_the_event_lacks() -> None:
    lookup = ScriptedLookup({"email": "alice@example.com", "total": "99.99"})
    setup = Setup(FlakyChannel(), lookup)
    await setup.bus.handle(CONFIRMED)

    await setup.notify()

    (sent,) = setup.channel.sent
    assert sent.recipient == "alice@example.com"
    assert "23.00 EUR" in sent.body


async def test_an_event_carrying_every_value_needed_is_not_looked_up() -> None:
    lookup = ScriptedLookup({"email": "bob@example.com", "total": "99.99"})
    setup = Setup(FlakyChannel(), lookup)
    await setup.bus.handle(CONFIRMED)

    await setup.notify({**EVENT_DATA, "email": "alice@example.com"})

    (sent,) = setup.channel.sent
    assert sent.recipient == "alice@example.com"
    assert lookup.asked == []


async def test_a_failed_lookup_falls_back_to_the_event_data() -> None:
    setup = Setup(FlakyChannel(), ScriptedLookup(None, fail=True))
    await setup.bus.handle(CONFIRMED)

    await setup.notify({"order_id": "o-1", "customer_id": "alice", "total": "5", "currency": "EUR"})

    (sent,) = setup.channel.sent
    assert sent.recipient == "alice"
    assert sent.body == "Your items are on their way; 5 EUR paid."


async def test_a_template_missing_values_is_logged_as_failed_without_sending() -> None:
    setup = Setup(FlakyChannel())
    await setup.bus.handle(CONFIRMED)

    await setup.notify({"customer_id": "alice"})

    assert setup.channel.calls == 0
    assert "needs values for" in (setup.uow.deliveries.rows[0].error or "")


async def test_an_event_naming_no_customer_is_logged_as_failed() -> None:
    setup = Setup(FlakyChannel())
    await setup.bus.handle(CONFIRMED)

    await setup.notify({k: v for k, v in EVENT_DATA.items() if k != "customer_id"})

    assert setup.uow.deliveries.rows[0].error == (
        "no recipient: the event names no e-mail address or customer"
    )


async def test_templates_are_replaced_by_name_and_deleted() -> None:
    setup = Setup(FlakyChannel())
    await setup.bus.handle(CONFIRMED)
    await setup.bus.handle(c.PutTemplate("order-confirmed", "order.confirmed", "New", "Body"))

    assert setup.uow.templates.rows["order-confirmed"].subject == "New"
    await setup.bus.handle(c.DeleteTemplate("order-confirmed"))
    with pytest.raises(TemplateNotFoundError):
        await setup.bus.handle(c.DeleteTemplate("order-confirmed"))


async def test_a_malformed_template_is_refused() -> None:
    setup = Setup(FlakyChannel())

    with pytest.raises(TemplateError):
        await setup.bus.handle(c.PutTemplate("bad", "order.confirmed", "s", "{{ oops"))


async def test_an_event_omitting_a_field_its_type_defines_is_not_looked_up_for_it() -> None:
    lookup = ScriptedLookup({"email": "bob@example.com"})
    setup = Setup(FlakyChannel(), lookup)
    await setup.bus.handle(CONFIRMED)
    defined = frozenset({"order_id", "customer_id", "email", "lines", "total", "currency"})

    await setup.bus.handle(c.Notify(uuid4(), "order.confirmed", uuid4(), EVENT_DATA, defined))

    (sent,) = setup.channel.sent
    assert sent.recipient == "alice"  # no e-mail address: the customer
    assert lookup.asked == []


async def test_a_delivery_sent_before_its_transaction_rolled_back_is_logged_not_sent_again() -> (
    None
):
    setup = Setup(FlakyChannel(failures=1))
    await setup.bus.handle(CONFIRMED)
    event = await setup.notify()
    (first,) = setup.uow.deliveries.rows
    setup.uow.deliveries.rows.clear()  # the transaction rolled back: no delivery logged
    setup.uow.published.clear()

    await setup.bus.handle(event)

    assert setup.channel.calls == 2  # the failed attempt and the send, none again
    (again,) = setup.uow.deliveries.rows
    assert (again.status, again.attempts, again.recipient) == (DeliveryStatus.SENT, 2, "alice")
    assert (again.subject, again.body) == (first.subject, first.body)
    assert [type(e) for e in setup.uow.published] == [NotificationSent]


async def test_a_failed_delivery_is_tried_again_when_its_event_is_applied_again() -> None:
    setup = Setup(FlakyChannel(failures=3))
    await setup.bus.handle(CONFIRMED)
    event = await setup.notify()
    setup.uow.deliveries.rows.clear()  # rolled back

    await setup.bus.handle(event)

    assert setup.channel.calls == 4
    (again,) = setup.uow.deliveries.rows
    assert again.status is DeliveryStatus.SENT
