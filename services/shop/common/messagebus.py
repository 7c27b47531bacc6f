"""One message bus for every context: messages routed to handlers by two tables (cosmicpython).

A context hands its tables to the bus in its `bootstrap.py`, so its use cases are read in one
place (`service_layer/handlers.py`) and no context subclasses the bus:

    MessageBus(uow_factory, deps, commands=COMMAND_HANDLERS, events=EVENT_HANDLERS)

Handlers are `async def handler(message, uow, deps)`; they never commit. The API calls `handle`
(its own unit of work, committed); a Kafka consumer's route calls the handlers `handlers_of`
resolved once, when the routes were built, with the unit of work that also holds its inbox row
(`shop.common.consumer.inbound`), and commits it itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from shop.common.uow_port import UnitOfWorkPort

U = TypeVar("U", bound=UnitOfWorkPort)
D = TypeVar("D")

Handler = Callable[[Any, U, D], Awaitable[Any]]
"""`handler(message, uow, deps)`: one use case, run in an open unit of work."""

Apply = Callable[[Any, U], Awaitable[Any]]
"""`apply(message, uow)`: the handlers of one message type, with their dependencies bound."""

_NONE: Mapping[Any, Any] = MappingProxyType({})


class MessageBus(Generic[U, D]):
    """Dispatches messages to handlers given a `U` unit of work and `D` dependencies."""

    def __init__(
        self,
        uow_factory: Callable[[], U],
        deps: D,
        *,
        commands: Mapping[type, Handler[U, D]] = _NONE,
        events: Mapping[type, Sequence[Handler[U, D]]] = _NONE,
    ) -> None:
        """`commands`: one handler per command type, whose result is returned to the caller;
        `events`: every handler of an event type, run in turn (a failing one propagates)."""
        self.uow_factory = uow_factory
        self.deps = deps
        self._appliers: dict[type, Apply[U]] = {
            **{kind: self._command(handler) for kind, handler in commands.items()},
            **{kind: self._event(handlers) for kind, handlers in events.items()},
        }

    async def handle(self, message: object) -> Any:
        """Apply a message in its own unit of work and commit; returns the handler's result."""
        async with self.uow_factory() as uow:
            result = await self.handle_in(message, uow)
            await uow.commit()
        return result

    async def handle_in(self, message: object, uow: U) -> Any:
        """Apply a message in a unit of work the caller opened and commits.

        Raises `KeyError` for a message type no table routes.
        """
        return await self._appliers[type(message)](message, uow)

    def handlers_of(self, kind: type) -> Apply[U]:
        """What applies a `kind` message (resolved once, by a consumer's routes); `KeyError` if
        no table routes `kind`."""
        return self._appliers[kind]

    def _command(self, handler: Handler[U, D]) -> Apply[U]:
        async def apply(message: Any, uow: U) -> Any:
            return await handler(message, uow, self.deps)

        return apply

    def _event(self, handlers: Sequence[Handler[U, D]]) -> Apply[U]:
        chain = tuple(handlers)

        async def apply(message: Any, uow: U) -> None:
            for handler in chain:
                await handler(message, uow, self.deps)

        return apply
