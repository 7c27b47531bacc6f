"""Notification handlers (`COMMAND_HANDLERS`): templates, and notifying about events."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from uuid import UUID

from shop.common import messagebus
from shop.common.clock import Clock, utc_now
from shop.common.uuid7 import uuid7
from shop.notification.domain import commands as c
from shop.notification.domain.delivery import Delivery, OutgoingMessage
from shop.notification.domain.errors import TemplateError, TemplateNotFoundError
from shop.notification.domain.retry import RetryPolicy
from shop.notification.domain.template import Template
from shop.notification.domain.values import recipient, stated, template_values
from shop.notification.service_layer.delivery import (
    BreakerBox,
    DeliveryOutcome,
    SentMessages,
    send_with_retries,
)
from shop.notification.service_layer.unit_of_work import (
    Channel,
    LookupFailedError,
    NotificationUnitOfWork,
    OrderLookup,
)

log = logging.getLogger(__name__)
RECIPIENT_FIELDS = frozenset({"email"})
"""Looked up when the event lacks them (`recipient` prefers an e-mail address)."""


@dataclass(frozen=True)
class NotificationDependencies:
    channel: Channel
    breaker: BreakerBox
    retry: RetryPolicy
    lookup: OrderLookup | None = None
    clock: Clock = field(default=utc_now)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    new_id: Callable[[], UUID] = uuid7
    sent: SentMessages = field(default_factory=SentMessages)


async def put_template(
    cmd: c.PutTemplate, uow: NotificationUnitOfWork, deps: NotificationDependencies
) -> Template:
    template = Template(cmd.name, cmd.event_type, cmd.subject, cmd.body)
    await uow.templates.save(template)
    return template


async def delete_template(
    cmd: c.DeleteTemplate, uow: NotificationUnitOfWork, deps: NotificationDependencies
) -> None:
    if not await uow.templates.delete(cmd.name):
        raise TemplateNotFoundError(f"no template named {cmd.name!r}", name=cmd.name)


async def notify(
    cmd: c.Notify, uow: NotificationUnitOfWork, deps: NotificationDependencies
) -> None:
    """Render and send every template for the event once (those it has no delivery of yet);
    log each outcome.

    The order is looked up only when the event lacks a value the templates or the recipient
    need: the event's values win over the lookup's, so one that states them all (an order
    event names its customer, e-mail address (absent: none), lines and total) renders the
    same without it. A message this process sent already for the event (its transaction rolled
    back since: `SentMessages`) is logged as sent again, not sent twice."""
    templates = await uow.templates.for_event(cmd.event_type, undelivered_for=cmd.event_id)
    if not templates:
        return
    unsent = [t for t in templates if deps.sent.get(cmd.event_id, t.name) is None]
    values: Mapping[str, str] = {}
    if unsent:
        needed = RECIPIENT_FIELDS.union(*(template.placeholders for template in unsent))
        looked_up = (
            None if needed <= stated(cmd.data, cmd.defined) else await _look_up(cmd.order_id, deps)
        )
        values = template_values(cmd.data, looked_up)
    for template in templates:
        await uow.deliveries.add(await _deliver(template, values, cmd.event_id, deps))


async def _look_up(
    order_id: UUID | None, deps: NotificationDependencies
) -> Mapping[str, object] | None:
    if order_id is None or deps.lookup is None:
        return None
    try:
        return await deps.lookup.find(order_id)
    except LookupFailedError as err:
        log.warning("order lookup for %s failed, using the event's data: %s", order_id, err)
        return None


async def _deliver(
    template: Template, values: Mapping[str, str], cause: UUID, deps: NotificationDependencies
) -> Delivery:
    outcome = deps.sent.get(cause, template.name)
    if outcome is None:
        outcome = await _render_and_send(template, values, deps)
        if outcome.error is None:
            deps.sent.add(cause, template.name, outcome)
    return Delivery.log(
        delivery_id=deps.new_id(),
        cause_event_id=cause,
        template=template.name,
        channel=deps.channel.name,
        recipient=outcome.recipient,
        subject=outcome.subject,
        body=outcome.body,
        attempts=outcome.attempts,
        error=outcome.error,
        now=deps.clock(),
    )


async def _render_and_send(
    template: Template, values: Mapping[str, str], deps: NotificationDependencies
) -> DeliveryOutcome:
    to = recipient(values)
    try:
        rendered = template.render(values)
    except TemplateError as err:
        return DeliveryOutcome(to, "", "", 0, err.detail)
    if to is None:
        nobody = "no recipient: the event names no e-mail address or customer"
        return DeliveryOutcome(to, rendered.subject, rendered.body, 0, nobody)
    attempts, error = await send_with_retries(
        OutgoingMessage(to, rendered.subject, rendered.body),
        channel=deps.channel,
        policy=deps.retry,
        box=deps.breaker,
        clock=deps.clock,
        sleep=deps.sleep,
    )
    return DeliveryOutcome(to, rendered.subject, rendered.body, attempts, error)


Handler = messagebus.Handler[NotificationUnitOfWork, NotificationDependencies]

COMMAND_HANDLERS: dict[type, Handler] = {
    c.PutTemplate: put_template,
    c.DeleteTemplate: delete_template,
    c.Notify: notify,
}
