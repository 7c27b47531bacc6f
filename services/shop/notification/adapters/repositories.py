"""Notification repositories: prebuilt plain SQL on the unit of work's asyncpg connection
(`shop.common.plain_sql`, docs/adr/0056); logged deliveries are tracked for the outbox.

What the worker runs per notified event: the event type's templates not yet delivered for the
event (one statement), and the delivery log's insert."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import insert

from shop.common.aggregate import Aggregate
from shop.common.plain_sql import PlainSql, bound
from shop.notification.adapters.tables import deliveries, templates
from shop.notification.domain.delivery import Delivery
from shop.notification.domain.template import Template

_TEMPLATE = (templates.c.name, templates.c.event_type, templates.c.subject, templates.c.body)
_NAME = bindparam("name", type_=templates.c.name.type)
_FOR_EVENT_QUERY = (
    select(*_TEMPLATE)
    .where(templates.c.event_type == bindparam("event_type", type_=templates.c.event_type.type))
    .order_by(templates.c.name)
)
_DELIVERED = (
    select(deliveries.c.id)
    .where(
        deliveries.c.cause_event_id == bindparam("cause", type_=deliveries.c.cause_event_id.type),
        deliveries.c.template == templates.c.name,
    )
    .exists()
)
_FOR_EVENT = PlainSql(_FOR_EVENT_QUERY)
_UNDELIVERED_FOR_EVENT = PlainSql(_FOR_EVENT_QUERY.where(~_DELIVERED))
_GET = PlainSql(select(*_TEMPLATE).where(templates.c.name == _NAME))
_LIST_ALL = PlainSql(select(*_TEMPLATE).order_by(templates.c.event_type, templates.c.name))
_TEMPLATE_VALUES = bound(templates, "event_type", "subject", "body")
_SAVE = PlainSql(
    insert(templates)
    .values({"name": _NAME, **_TEMPLATE_VALUES})
    .on_conflict_do_update(
        index_elements=["name"], set_={**_TEMPLATE_VALUES, "updated_at": func.now()}
    )
)
_DELETE = PlainSql(delete(templates).where(templates.c.name == _NAME).returning(templates.c.name))
_LOG_DELIVERY = PlainSql(
    deliveries.insert().values(
        bound(
            deliveries,
            *("id", "cause_event_id", "template", "channel", "recipient", "subject"),
            *("body", "status", "attempts", "error", "created_at"),
        )
    )
)
"""Executed with the delivery's columns as parameters."""


class SqlTemplateRepository:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def get(self, name: str) -> Template | None:
        row = await _GET.fetchrow(self._connection, {"name": name})
        return Template(*row) if row else None

    async def for_event(
        self, event_type: str, *, undelivered_for: UUID | None = None
    ) -> list[Template]:
        if undelivered_for is None:
            rows = await _FOR_EVENT.fetch(self._connection, {"event_type": event_type})
        else:
            parameters = {"event_type": event_type, "cause": undelivered_for}
            rows = await _UNDELIVERED_FOR_EVENT.fetch(self._connection, parameters)
        return [Template(*row) for row in rows]

    async def list_all(self) -> list[Template]:
        return [Template(*row) for row in await _LIST_ALL.fetch(self._connection)]

    async def save(self, template: Template) -> None:
        parameters = {
            "name": template.name,
            "event_type": template.event_type,
            "subject": template.subject,
            "body": template.body,
        }
        await _SAVE.execute(self._connection, parameters)

    async def delete(self, name: str) -> bool:
        return await _DELETE.fetchrow(self._connection, {"name": name}) is not None


class SqlDeliveryRepository:
    def __init__(self, connection: asyncpg.Connection, track: Callable[[Aggregate], None]) -> None:
        self._connection = connection
        self._track = track

    async def add(self, delivery: Delivery) -> None:
        self._track(delivery)
        await _LOG_DELIVERY.execute(
            self._connection,
            {
                "id": delivery.id,
                "cause_event_id": delivery.cause_event_id,
                "template": delivery.template,
                "channel": delivery.channel,
                "recipient": delivery.recipient,
                "subject": delivery.subject,
                "body": delivery.body,
                "status": delivery.status.value,
                "attempts": delivery.attempts,
                "error": delivery.error,
                "created_at": delivery.created_at,
            },
        )
