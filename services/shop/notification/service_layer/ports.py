"""What notification needs from the outside: a channel to send through, an order lookup."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol
from uuid import UUID

from shop.notification.domain.delivery import OutgoingMessage


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
