"""What a chunk of the catalog worker's messages locks before its first one (ADR 0062)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from shop.catalog.domain import commands as c
from shop.catalog.domain.events import StockLine
from shop.catalog.domain.order_events import OrderConfirmed, OrderedLine
from shop.catalog.entrypoints.consumers import CHUNK_LOCKS
from shop.catalog.service_layer.chunk_locks import lock_chunk
from shop.common.events import Envelope
from unit.catalog.catalog_fakes import FakeCatalogUnitOfWork

MUG = UUID("00000000-0000-4000-8000-0000000000aa")
TEA = UUID("00000000-0000-4000-8000-0000000000bb")
POT = UUID("00000000-0000-4000-8000-0000000000cc")


async def test_a_chunk_locks_its_orders_then_the_stock_of_its_lines_and_reservations() -> None:
    uow = FakeCatalogUnitOfWork()
    reserving, committing, releasing = uuid4(), uuid4(), uuid4()
    await lock_chunk(
        [
            c.ReserveStock(reserving, (StockLine(TEA, 1),)),
            c.CommitStock(committing),  # its lines are its reservation's
            c.ReleaseStock(releasing, (StockLine(MUG, 1),)),
            OrderConfirmed(uuid4(), uuid4(), (OrderedLine(POT, 1), OrderedLine(MUG, 2))),
        ],
        uow,
    )
    assert uow.reservations.locked_orders == [sorted([reserving, committing, releasing])]
    assert uow.stock.held == [([MUG, TEA, POT], sorted([reserving, committing, releasing]))]


async def test_a_chunk_of_confirmed_orders_alone_locks_their_products_only() -> None:
    uow = FakeCatalogUnitOfWork()
    await lock_chunk([OrderConfirmed(uuid4(), uuid4(), (OrderedLine(TEA, 1),))], uow)
    assert uow.stock.held == [([TEA], [])]


def _envelope(event_type: str, data: dict[str, object]) -> Envelope:
    return Envelope(
        id=uuid4(),
        type=event_type,
        version=1,
        source="ordering",
        aggregate_type="order",
        aggregate_id="o",
        occurred_at=datetime.now(UTC),
        data=data,
    )


async def test_the_worker_reads_each_envelope_as_its_message_leaving_out_the_unread() -> None:
    uow = FakeCatalogUnitOfWork()
    order = uuid4()
    await CHUNK_LOCKS(
        [
            _envelope("saga.reserve-stock", {"order_id": "not-an-id", "lines": []}),
            _envelope("saga.commit-stock", {"order_id": str(order)}),
            _envelope("product.created", {"id": str(MUG)}),  # not the worker's
        ],
        uow,
    )
    assert uow.reservations.locked_orders == [[order]]
    assert uow.stock.held == [([], [order])]
