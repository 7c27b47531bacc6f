"""Helpers of a context's consumers: read an event's data, and dead-letter what the domain refuses.

Neither an invalid payload nor a command the domain refuses can succeed on a retry, so both are
raised as permanent errors: the message goes to the dead-letter topic at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from shop.common.consumer.routing import (
    EventHandlers,
    Handler,
    PermanentError,
    PoisonMessageError,
    U,
)
from shop.common.errors import DomainError
from shop.common.events import Envelope

T = TypeVar("T")
M = TypeVar("M")


_ADAPTERS: dict[type, TypeAdapter[Any]] = {}


def adapter(kind: type[T]) -> TypeAdapter[T]:
    """The validator of `kind`, built (schema generation: milliseconds) once per process."""
    found = _ADAPTERS.get(kind)
    if found is None:
        found = _ADAPTERS[kind] = TypeAdapter(kind)
    return found


def decode(kind: type[T], data: Mapping[str, Any]) -> T:
    """`data` validated as `kind` (a dataclass or model), or a `PoisonMessageError` saying why."""
    try:
        validated: T = adapter(kind).validate_python(data if isinstance(data, dict) else dict(data))
        return validated
    except ValidationError as err:
        raise PoisonMessageError(f"not a valid {kind.__name__}: {err}") from None


def domain_errors_are_permanent(handler: Handler[U]) -> Handler[U]:
    """`handler`, raising `PermanentError` instead of the `DomainError` of a refused message."""

    async def handle(envelope: Envelope, uow: U) -> None:
        try:
            await handler(envelope, uow)
        except DomainError as err:
            raise PermanentError(f"{envelope.type} refused: {err.detail}") from err

    return handle


def command_routes(
    commands: Mapping[str, type[M]], apply: Callable[[M, U], Awaitable[Any]]
) -> EventHandlers[U]:
    """Routes for events that are commands: each event type's data decoded as its command class,
    then `apply(command, uow)` (a bus's `handle_in`); invalid or refused ones are dead-lettered."""

    @domain_errors_are_permanent
    async def handle(envelope: Envelope, uow: U) -> None:
        await apply(decode(commands[envelope.type], envelope.data), uow)

    return dict.fromkeys(commands, handle)
