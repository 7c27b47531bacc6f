"""Inbound events: how each event type a context consumes enters it, one table per context.

A context's `entrypoints/consumers.py` declares `INBOUND`, event type -> `Inbound` (the message
the event becomes and how it is read from the envelope), and its workers consume with
`routes(bus, INBOUND)`. Each route is resolved once, when built: the consumer finds the route by
the event type (one dict lookup), reads the message and calls that message's handlers directly.

Neither an invalid payload nor a message the domain refuses can succeed on a retry, so both are
raised as permanent errors: the message goes to the dead-letter topic at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter, ValidationError

from shop.common.consumer.routing import PermanentError, PoisonMessageError
from shop.common.errors import DomainError
from shop.common.events import Envelope
from shop.common.messagebus import MessageBus

T = TypeVar("T")
M = TypeVar("M")
M_co = TypeVar("M_co", covariant=True)
P = TypeVar("P")

RouteHandler = Callable[[Envelope, P], Awaitable[None]]
"""A consumer route's handler: an envelope, applied in the consumer's unit of work."""

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


@dataclass(frozen=True)
class Inbound(Generic[M_co]):
    """One event type as it enters a context: the `message` it becomes, read by `read`."""

    message: type[M_co]
    read: Callable[[Envelope], M_co]


def data_as(kind: type[M]) -> Inbound[M]:
    """The event's data decoded as `kind` (a saga command, whose fields the data names)."""
    return Inbound(kind, lambda envelope: decode(kind, envelope.data))


def with_event_id(kind: type[M]) -> Inbound[M]:
    """The event's data and its id (as `event_id`) decoded as `kind`."""
    return Inbound(kind, lambda envelope: decode(kind, {**envelope.data, "event_id": envelope.id}))


def domain_errors_are_permanent(handler: RouteHandler[P]) -> RouteHandler[P]:
    """`handler`, raising `PermanentError` instead of the `DomainError` of a refused message."""

    async def handle(envelope: Envelope, uow: P) -> None:
        try:
            await handler(envelope, uow)
        except DomainError as err:
            raise PermanentError(f"{envelope.type} refused: {err.detail}") from err

    return handle


def routes(
    bus: MessageBus[Any, Any], inbound: Mapping[str, Inbound[Any]]
) -> dict[str, RouteHandler[Any]]:
    """The consumer routes of `inbound`: each event read as its message and applied by the
    bus's handlers of that message (`KeyError` at once for a message no table routes)."""
    return {
        event_type: _route(entry.read, bus.handlers_of(entry.message))
        for event_type, entry in inbound.items()
    }


def _route(
    read: Callable[[Envelope], Any], apply: Callable[[Any, P], Awaitable[Any]]
) -> RouteHandler[P]:
    @domain_errors_are_permanent
    async def handle(envelope: Envelope, uow: P) -> None:
        await apply(read(envelope), uow)

    return handle
