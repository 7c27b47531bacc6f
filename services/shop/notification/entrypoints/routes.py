"""Templates (stored in the database) and the delivery log over HTTP."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from shop.common.openapi import problem_responses
from shop.notification.adapters.tables import deliveries
from shop.notification.bootstrap import Notifications
from shop.notification.domain import commands as c
from shop.notification.service_layer.handlers import TemplateNotFoundError

router = APIRouter(tags=["notifications"])
TemplateName = Annotated[str, Path(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]


def get_notifications(request: Request) -> Notifications:
    notifications: Notifications = request.app.state.process.state["notifications"]
    return notifications


NotificationsDep = Annotated[Notifications, Depends(get_notifications)]


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_type: str = Field(pattern=r"^[a-z]+\.[a-z-]+$", examples=["order.confirmed"])
    subject: str = Field(min_length=1, max_length=500, examples=["Order {{ order_id }} confirmed"])
    body: str = Field(
        min_length=1,
        max_length=20_000,
        examples=["Hello {{ customer_id }}, we charged {{ total }} {{ currency }}."],
        description="`{{ name }}` placeholders; `{{ name | default }}` for optional values",
    )


class TemplateOut(TemplateIn):
    name: str
    placeholders: list[str]


class DeliveryOut(BaseModel):
    id: UUID
    cause_event_id: UUID
    template: str
    channel: str
    recipient: str | None
    subject: str
    status: str
    attempts: int
    error: str | None
    created_at: datetime


@router.get("/templates")
async def list_templates(notifications: NotificationsDep) -> list[TemplateOut]:
    async with notifications.unit_of_work() as uow:
        found = await uow.templates.list_all()
    return [TemplateOut(**vars(t), placeholders=sorted(t.placeholders)) for t in found]


@router.get("/templates/{name}", responses=problem_responses(404))
async def get_template(name: TemplateName, notifications: NotificationsDep) -> TemplateOut:
    async with notifications.unit_of_work() as uow:
        template = await uow.templates.get(name)
    if template is None:
        raise TemplateNotFoundError(f"no template named {name!r}", name=name)
    return TemplateOut(**vars(template), placeholders=sorted(template.placeholders))


@router.put("/templates/{name}", responses=problem_responses(422))
async def put_template(
    name: TemplateName, body: TemplateIn, notifications: NotificationsDep
) -> TemplateOut:
    """Create the template or replace it; it applies to the next event of its type."""
    template = await notifications.bus.handle(
        c.PutTemplate(name, body.event_type, body.subject, body.body)
    )
    return TemplateOut(**vars(template), placeholders=sorted(template.placeholders))


@router.delete(
    "/templates/{name}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404)
)
async def delete_template(name: TemplateName, notifications: NotificationsDep) -> None:
    await notifications.bus.handle(c.DeleteTemplate(name))


@router.get("/deliveries")
async def list_deliveries(
    notifications: NotificationsDep,
    event_id: UUID | None = None,
    delivery_status: Annotated[Literal["sent", "failed"] | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[DeliveryOut]:
    """The delivery log, newest first."""
    query = select(deliveries).order_by(deliveries.c.created_at.desc()).limit(limit)
    if event_id is not None:
        query = query.where(deliveries.c.cause_event_id == event_id)
    if delivery_status is not None:
        query = query.where(deliveries.c.status == delivery_status)
    async with notifications.sessions() as session:
        rows = (await session.execute(query)).mappings().all()
    return [DeliveryOut.model_validate(dict(row)) for row in rows]
