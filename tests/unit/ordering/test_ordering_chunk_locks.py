"""What a chunk of the ordering worker's messages locks before its first one (ADR 0065)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from shop.common.events import Envelope
from shop.ordering.domain import messages as m
from shop.ordering.entrypoints.consumers import CHUNK_LOCKS
from shop.ordering.service_layer.chunk_locks import lock_chunk
from unit.ordering.ordering_builders import checkout
from unit.ordering.ordering_fakes import FakeOrderingUnitOfWork


async def test_a_chunk_locks_the_orders_it_advances_and_the_totals_of_those_it_may_confirm() -> (
    None
):
    uow = FakeOrderingUnitOfWork()
    paid, reserved, refunded = uuid4(), uuid4(), uuid4()
    await lock_chunk(
        [
            m.PaymentSucceeded(uuid4(), paid),
            checkout(uuid4()),  # a new order: nothing another chunk holds
            m.StockReserved(uuid4(), reserved),
            m.PaymentRefunded(uuid4(), refunded),
            m.PaymentSucceeded(uuid4(), paid),  # the order once
        ],
        uow,
    )
    assert uow.orders.held == [(sorted([paid, reserved, refunded]), [paid])]


async def test_a_chunk_of_checkouts_alone_locks_nothing() -> None:
    uow = FakeOrderingUnitOfWork()
    await lock_chunk([checkout(uuid4()), checkout(uuid4())], uow)
    assert uow.orders.held == []


def _envelope(event_type: str, data: dict[str, object]) -> Envelope:
    return Envelope(
        id=uuid4(),
        type=event_type,
        version=1,
        source="payment",
        aggregate_type="payment",
        aggregate_id="p",
        occurred_at=datetime.now(UTC),
        data=data,
    )


async def test_the_worker_reads_each_envelope_as_its_message_leaving_out_the_unread() -> None:
    uow = FakeOrderingUnitOfWork()
    order = UUID("00000000-0000-4000-8000-000000000002")
    await CHUNK_LOCKS(
        [
            _envelope("payment.succeeded", {"order_id": "not-an-id"}),
            _envelope("payment.succeeded", {"order_id": str(order)}),
            _envelope("stock.low", {"product_id": str(uuid4())}),  # not the worker's
        ],
        uow,
    )
    assert uow.orders.held == [([order], [order])]
