"""Notification's repositories and unit of work (handlers never commit)."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from shop.common.uow_port import UnitOfWorkPort
from shop.notification.domain.delivery import Delivery
from shop.notification.domain.template import Template


class TemplateRepository(Protocol):
    async def get(self, name: str) -> Template | None: ...

    async def for_event(self, event_type: str) -> list[Template]: ...

    async def list_all(self) -> list[Template]: ...

    async def save(self, template: Template) -> None:
        """Insert, or replace the template of the same name."""
        ...

    async def delete(self, name: str) -> bool:
        """False if there was no such template."""
        ...


class DeliveryRepository(Protocol):
    async def exists(self, cause_event_id: UUID, template: str) -> bool: ...

    async def add(self, delivery: Delivery) -> None: ...


class NotificationUnitOfWork(UnitOfWorkPort, Protocol):
    @property
    def templates(self) -> TemplateRepository: ...

    @property
    def deliveries(self) -> DeliveryRepository: ...
