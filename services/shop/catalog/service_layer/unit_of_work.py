"""The catalog's ports: repositories, the unit of work that holds them, and what else the
handlers need (`CatalogDependencies`).

Handlers receive an open unit of work and never commit: the message bus (API) or the consumer
runtime (Kafka, together with the inbox row) commits, writing recorded events to the outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol
from uuid import UUID, uuid4

from shop.catalog.domain.product import Category, Product
from shop.catalog.domain.reservation import OrderReservation
from shop.catalog.domain.stock import StockItem
from shop.common import messagebus
from shop.common.uow_port import UnitOfWorkPort


class CategoryRepository(Protocol):
    async def get(self, slug: str) -> Category | None: ...

    async def add(self, category: Category) -> None: ...


class ProductRepository(Protocol):
    async def get(self, product_id: UUID) -> Product | None: ...

    async def add(self, product: Product) -> None: ...

    async def save(self, product: Product) -> None: ...


class StockRepository(Protocol):
    async def lock(self, product_ids: Iterable[UUID]) -> dict[UUID, StockItem]:
        """The stock items of existing products, locked in product id order (no deadlocks)."""
        ...

    async def lock_for_sale(
        self, product_ids: Iterable[UUID]
    ) -> tuple[dict[UUID, StockItem], set[UUID]]:
        """`lock`'s stock items, and which of their products are on sale (one read)."""
        ...

    async def hold(
        self, product_ids: Iterable[UUID], *, reserved_by: Collection[UUID] = ()
    ) -> None:
        """Lock the stock rows of `product_ids` and of the lines the orders `reserved_by`
        reserved, in product id order in one statement, loading nothing (rows this
        transaction holds already cost nothing)."""
        ...

    async def add(self, item: StockItem) -> None: ...

    async def save(self, items: Sequence[StockItem]) -> None:
        """Store the items' counts (all of them at once)."""
        ...


class ReservationRepository(Protocol):
    async def lock(self, order_id: UUID) -> OrderReservation | None:
        """The order's reservation, locked; None if the order never reached the catalog."""
        ...

    async def lock_orders(self, order_ids: Collection[UUID]) -> None:
        """Take `lock`'s lock of every order at once, in one order every caller shares."""
        ...

    async def save(self, reservation: OrderReservation, stock: Collection[StockItem] = ()) -> None:
        """Insert or update the reservation's lines, and store the counts of the stock items
        its change locked (one write for both)."""
        ...


class TextEmbedder(Protocol):
    """An embedding model: texts to unit vectors of `dimensions` floats."""

    @property
    def model(self) -> str:
        """Names the model and its version: vectors of different models are not comparable."""
        ...

    @property
    def dimensions(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


class ProductToEmbed(NamedTuple):
    product_id: UUID
    name: str
    category: str
    description: str


class EmbeddingRepository(Protocol):
    async def put(self, product_id: UUID, model: str, vector: Sequence[float]) -> None:
        """The product's vector, replacing whatever it had."""
        ...

    async def put_missing(self, product_id: UUID, model: str, vector: Sequence[float]) -> None:
        """The product's vector unless it has one of `model` already (the backfill never
        overwrites a vector the write path made)."""
        ...

    async def missing(self, model: str, limit: int) -> list[ProductToEmbed]:
        """Up to `limit` products without a vector of `model`."""
        ...


class BoughtTogetherRepository(Protocol):
    async def count_order(self, order_id: UUID) -> bool:
        """Note the order as projected; False if it was already (an order counts once)."""
        ...

    async def add_pairs(self, pairs: Sequence[tuple[UUID, UUID]]) -> None:
        """One more order for each (product, bought with) pair."""
        ...


class CatalogUnitOfWork(UnitOfWorkPort, Protocol):
    @property
    def categories(self) -> CategoryRepository: ...

    @property
    def products(self) -> ProductRepository: ...

    @property
    def stock(self) -> StockRepository: ...

    @property
    def reservations(self) -> ReservationRepository: ...

    @property
    def embeddings(self) -> EmbeddingRepository: ...

    @property
    def bought_together(self) -> BoughtTogetherRepository: ...


@dataclass(frozen=True)
class CatalogDependencies:
    """`embedder`: the model of the semantic search, which products are embedded with when
    they are created or described anew."""

    embedder: TextEmbedder
    new_id: Callable[[], UUID] = uuid4


Handler = messagebus.Handler[CatalogUnitOfWork, CatalogDependencies]
