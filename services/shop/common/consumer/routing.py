"""Event handlers routed by event type (one dict, like cosmicpython's EVENT_HANDLERS)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from shop.common.events import Envelope
from shop.common.uow import UnitOfWork

U = TypeVar("U", bound=UnitOfWork)
Handler = Callable[[Envelope, U], Awaitable[None]]


class PermanentError(Exception):
    """Raised by a handler for a message that can never succeed: dead-lettered at once."""


class PoisonMessageError(PermanentError):
    """The message cannot be read (not JSON, not an envelope, unsupported version)."""


@dataclass(frozen=True)
class Route(Generic[U]):
    """A handler and the envelope versions of its event type it understands."""

    handler: Handler[U]
    versions: frozenset[int] = frozenset({1})


EventHandlers = Mapping[str, Handler[U] | Route[U]]


def route_for(handlers: EventHandlers[U], envelope: Envelope) -> Route[U] | None:
    """The route of an envelope; None if the group ignores its type.

    Raises `PoisonMessageError` for a known type in a version no handler understands.
    """
    entry = handlers.get(envelope.type)
    if entry is None:
        return None
    route = entry if isinstance(entry, Route) else Route(entry)
    if envelope.version not in route.versions:
        raise PoisonMessageError(
            f"{envelope.type} version {envelope.version} is not handled "
            f"(known: {sorted(route.versions)})"
        )
    return route
