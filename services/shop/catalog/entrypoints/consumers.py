"""The catalog's Kafka handlers: the saga's stock commands, translated into catalog commands.

A payload that does not fit the command, or a command the domain refuses, can never succeed:
it is dead-lettered at once instead of retried.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from shop.catalog.adapters.unit_of_work import SqlCatalogUnitOfWork
from shop.catalog.domain import commands as c
from shop.catalog.service_layer.messagebus import MessageBus
from shop.common.consumer import EventHandlers, PermanentError, PoisonMessageError
from shop.common.errors import DomainError
from shop.common.events import Envelope

T = TypeVar("T")

SAGA_COMMANDS: dict[str, type[c.ReserveStock | c.ReleaseStock | c.CommitStock]] = {
    "saga.reserve-stock": c.ReserveStock,
    "saga.release-stock": c.ReleaseStock,
    "saga.commit-stock": c.CommitStock,
}


def decode(kind: type[T], data: Mapping[str, Any]) -> T:
    """The envelope's data as `kind`, or a poison-message error naming what is wrong."""
    try:
        return TypeAdapter(kind).validate_python(dict(data))
    except ValidationError as err:
        raise PoisonMessageError(f"not a valid {kind.__name__}: {err}") from None


def event_handlers(bus: MessageBus) -> EventHandlers[SqlCatalogUnitOfWork]:
    """Consumer routes by event type, each applying its command in the consumer's transaction."""

    async def handle(envelope: Envelope, uow: SqlCatalogUnitOfWork) -> None:
        command = decode(SAGA_COMMANDS[envelope.type], envelope.data)
        try:
            await bus.handle_in(command, uow)
        except DomainError as err:
            raise PermanentError(f"{envelope.type} refused: {err.detail}") from err

    return dict.fromkeys(SAGA_COMMANDS, handle)
