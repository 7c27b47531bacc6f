"""Templates (stored in the database) and the delivery log over HTTP; reads through queries."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, status

from shop.common.auth.dependencies import ADMIN_ONLY
from shop.common.openapi import problem_responses
from shop.notification.adapters import queries
from shop.notification.bootstrap import Notifications
from shop.notification.domain import commands as c
from shop.notification.domain.errors import TemplateNotFoundError
from shop.notification.entrypoints.schemas import DeliveryOut, TemplateIn, TemplateOut

router = APIRouter(tags=["notifications"], dependencies=[ADMIN_ONLY])
TemplateName = Annotated[str, Path(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]


async def get_notifications(request: Request) -> Notifications:
    notifications: Notifications = request.app.state.process.state["notifications"]
    return notifications


NotificationsDep = Annotated[Notifications, Depends(get_notifications)]


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
    async with notifications.sessions() as session:
        rows = await queries.list_deliveries(session, event_id, delivery_status, limit)
    return [DeliveryOut.model_validate(row) for row in rows]
