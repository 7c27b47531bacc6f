"""Notification repositories over SQLAlchemy Core; logged deliveries are tracked for the outbox.

What the worker runs per notified event is built once: the event type's templates not yet
delivered for the event (one statement), and the delivery log's insert."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shop.common.aggregate import Aggregate
from shop.notification.adapters.tables import deliveries, templates
from shop.notification.domain.delivery import Delivery
from shop.notification.domain.template import Template

_TEMPLATE = (templates.c.name, templates.c.event_type, templates.c.subject, templates.c.body)
_FOR_EVENT = (
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
_UNDELIVERED_FOR_EVENT = _FOR_EVENT.where(~_DELIVERED)
_LOG_DELIVERY = deliveries.insert()
"""Executed with the delivery's columns as parameters."""


class SqlTemplateRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self._session = session

    async def get(self, name: str) -> Template | None:
        row = (
            await self._session.execute(select(*_TEMPLATE).where(templates.c.name == name))
        ).first()
        return Template(*row) if row else None

    async def for_event(
        self, event_type: str, *, undelivered_for: UUID | None = None
    ) -> list[Template]:
        if undelivered_for is None:
            rows = await self._session.execute(_FOR_EVENT, {"event_type": event_type})
        else:
            rows = await self._session.execute(
                _UNDELIVERED_FOR_EVENT, {"event_type": event_type, "cause": undelivered_for}
            )
        return [Template(*row) for row in rows]

    async def list_all(self) -> list[Template]:
        query = select(*_TEMPLATE).order_by(templates.c.event_type, templates.c.name)
        return [Template(*row) for row in await self._session.execute(query)]

    async def save(self, template: Template) -> None:
        values = {
            "name": template.name,
            "event_type": template.event_type,
            "subject": template.subject,
            "body": template.body,
        }
        statement = insert(templates).values(values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["name"],
                set_={**{k: v for k, v in values.items() if k != "name"}, "updated_at": func.now()},
            )
        )

    async def delete(self, name: str) -> bool:
        result = await self._session.execute(
            delete(templates).where(templates.c.name == name).returning(templates.c.name)
        )
        return result.first() is not None


class SqlDeliveryRepository:
    def __init__(self, session: AsyncConnection, track: Callable[[Aggregate], None]) -> None:
        self._session = session
        self._track = track

    async def add(self, delivery: Delivery) -> None:
        self._track(delivery)
        await self._session.execute(
            _LOG_DELIVERY,
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
