"""Notification's ports: its repositories and unit of work (handlers never commit), the channel
it sends through and the order lookup."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol
from uuid import UUID

from shop.common.uow_port import UnitOfWorkPort
from shop.notification.domain.delivery import Delivery, OutgoingMessage
from shop.notification.domain.template import Template


class TemplateRepository(Protocol):
    async def get(self, name: str) -> Template | None: ...

    async def for_event(
        self, event_type: str, *, undelivered_for: UUID | None = None
    ) -> list[Template]:
        """The event type's templates, by name; with `undelivered_for`, only those with no
        delivery logged for that event yet."""
        ...

    async def list_all(self) -> list[Template]: ...

    async def save(self, template: Template) -> None:
        """Insert, or replace the template of the same name."""
        ...

    async def delete(self, name: str) -> bool:
        """False if there was no such template."""
        ...


class DeliveryRepository(Protocol):
    async def add(self, delivery: Delivery) -> None: ...


class NotificationUnitOfWork(UnitOfWorkPort, Protocol):
    @property
    def templates(self) -> TemplateRepository: ...

    @property
    def deliveries(self) -> DeliveryRepository: ...


class DeliveryError(Exception):
    """A channel could not deliver a message (worth retrying)."""


class LookupFailedError(Exception):
    """The order lookup is unavailable; notifications fall back to the event's data."""


class Channel(Protocol):
    @property
    def name(self) -> str: ...

    async def send(self, message: OutgoingMessage) -> None:
        """Deliver or raise `DeliveryError`."""
        ...


class OrderLookup(Protocol):
    async def find(self, order_id: UUID) -> Mapping[str, object] | None:
        """The order as ordering shows it; None if unknown; `LookupFailedError` if unreachable."""
        ...
