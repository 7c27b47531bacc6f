"""One message bus for every context: messages routed to handlers by two dicts (cosmicpython).

A context subclasses it with its routing tables, so its use cases can be read in one place:

    class MessageBus(messagebus.MessageBus[PaymentUnitOfWork, PaymentDependencies, Command]):
        command_handlers = COMMAND_HANDLERS

Handlers are `async def handler(message, uow, deps)`; they never commit. The API calls `handle`
(its own unit of work, committed); a Kafka consumer calls `handle_in` with the unit of work that
also holds its inbox row, and commits it itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from shop.common.uow_port import UnitOfWorkPort

U = TypeVar("U", bound=UnitOfWorkPort)
D = TypeVar("D")
M = TypeVar("M")

Handler = Callable[[Any, U, D], Awaitable[Any]]
"""`handler(message, uow, deps)`: one use case, run in an open unit of work."""


class MessageBus(Generic[U, D, M]):
    """Dispatches messages of type `M` to handlers given a `U` unit of work and `D` dependencies."""

    command_handlers: Mapping[type, Handler[U, D]] = MappingProxyType({})
    """One handler per command type; its result is returned to the caller."""
    event_handlers: Mapping[type, Sequence[Handler[U, D]]] = MappingProxyType({})
    """Every handler of an event type, run in turn; a failing one propagates (never swallowed)."""

    def __init__(self, uow_factory: Callable[[], U], deps: D) -> None:
        self.uow_factory = uow_factory
        self.deps = deps

    async def handle(self, message: M) -> Any:
        """Apply a message in its own unit of work and commit; returns the handler's result."""
        async with self.uow_factory() as uow:
            result = await self.handle_in(message, uow)
            await uow.commit()
        return result

    async def handle_in(self, message: M, uow: U) -> Any:
        """Apply a message in a unit of work the caller opened and commits (a consumer's).

        Raises `KeyError` for a message type no table routes.
        """
        handlers = self.event_handlers.get(type(message))
        if handlers is not None:
            for handler in handlers:
                await handler(message, uow, self.deps)
            return None
        return await self.command_handlers[type(message)](message, uow, self.deps)
