"""In-memory stand-ins shared by every context's handler tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Generic, Self, TypeVar

from shop.common.aggregate import Aggregate
from shop.common.events import DomainEvent

K = TypeVar("K")
V = TypeVar("V")


class FakeRows(Generic[K, V]):
    """A repository over a dict: `get`/`lock` by key, `add`/`save` store under `key(item)`."""

    def __init__(self, key: Callable[[V], K]) -> None:
        self.rows: dict[K, V] = {}
        self._key = key

    async def get(self, key: K) -> V | None:
        return self.rows.get(key)

    async def lock(self, key: K) -> V | None:
        return self.rows.get(key)

    async def add(self, item: V) -> None:
        self.rows[self._key(item)] = item

    async def save(self, item: V) -> None:
        self.rows[self._key(item)] = item


class FakeUnitOfWork:
    """Commit drains the events of `aggregates()` into `published`, as the real one fills the
    outbox; a context's fake adds its repositories and says which aggregates they hold."""

    def __init__(self) -> None:
        self.published: list[DomainEvent] = []
        self.commits = 0

    def aggregates(self) -> Iterable[Aggregate]:
        return ()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def commit(self) -> None:
        for aggregate in self.aggregates():
            self.published += [recorded.event for recorded in aggregate.drain_events()]
        self.commits += 1

    def take_published(self) -> list[DomainEvent]:
        """The events published since the last call."""
        published, self.published = self.published, []
        return published
