"""Orders over HTTP: one order with its history, a customer's orders, a live status stream."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response, StreamingResponse

from shop.common.auth.dependencies import CustomerDep, ensure_owner, owned_customer
from shop.common.auth.principal import Principal
from shop.common.openapi import problem_responses
from shop.common.read_pool import ReadPool
from shop.ordering.adapters import queries
from shop.ordering.adapters.history_feed import HistoryFeed
from shop.ordering.domain.errors import OrderNotFoundError
from shop.ordering.domain.order_terms import OrderStatus
from shop.ordering.entrypoints.schemas import OrderOut, OrderPage, OrderSummary
from shop.ordering.entrypoints.stream import (
    OrderStream,
    OrderStreamResponse,
    StreamTiming,
    preferred_wait,
)

router = APIRouter(prefix="/orders", tags=["orders"])


READS = "order_reads"
"""Where the API's wiring keeps its `ReadPool` in the process's state."""


def get_reads(request: Request) -> ReadPool:
    reads: ReadPool = request.app.state.process.state[READS]
    return reads


async def _reads_dependency(request: Request) -> ReadPool:
    return get_reads(request)  # a coroutine: FastAPI runs a plain function in its thread pool


ReadsDep = Annotated[ReadPool, Depends(_reads_dependency)]
CustomerId = Annotated[
    str | None,
    Query(min_length=1, max_length=128, description="default and for customers: the caller"),
]


async def owned_order(reads: ReadPool, order_id: UUID, caller: Principal) -> dict[str, Any]:
    """The order, if the caller may read it (its customer, or staff); 404 otherwise."""
    async with reads.connection() as connection:
        row = await queries.get_order(connection, order_id)
    if row is None or not ensure_owner(caller, row["customer_id"]):
        raise OrderNotFoundError(order_id)
    return row


@router.get("/{order_id}", responses=problem_responses(404))
async def get_order(order_id: UUID, reads: ReadsDep, caller: CustomerDep) -> OrderOut:
    """The order with its history; staff also see its fraud score (`risk`)."""
    row = await owned_order(reads, order_id, caller)
    return OrderOut.from_row(row if caller.is_staff else {**row, "risk": None})


@router.get("")
async def list_orders(
    reads: ReadsDep,
    caller: CustomerDep,
    customer_id: CustomerId = None,
    status: OrderStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> OrderPage:
    """A customer's orders, newest first (the caller's own; staff may name a customer)."""
    customer = owned_customer(caller, customer_id, read=True)
    async with reads.connection() as connection:
        rows, total = await queries.customer_orders(
            connection, customer, status.value if status else None, limit, offset
        )
    items = [OrderSummary.model_validate(row) for row in rows]
    return OrderPage(items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/{order_id}/events",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "History entries as SSE"},
        **problem_responses(404),
    },
)
async def stream_order(
    order_id: UUID,
    request: Request,
    caller: CustomerDep,
    last_event_id: Annotated[int, Header(ge=0)] = 0,
    prefer: Annotated[
        str | None,
        Header(description="`wait=N`: wait up to N s (at most 30) for the order to be placed"),
    ] = None,
) -> Response:
    """Status changes of the order as server-sent events, from `Last-Event-ID` on; the stream
    ends once the order is confirmed or cancelled and its compensations are acknowledged.
    Right after a checkout the order may not be placed yet: 404, unless `Prefer: wait=N`."""
    state = request.app.state.process.state
    timing: StreamTiming = state["order_stream_timing"]
    feed: HistoryFeed = state["order_history_feed"]
    stream = OrderStream(get_reads(request), feed, order_id, last_event_id, timing)
    try:
        progress = await stream.placed(preferred_wait(prefer))  # no connection held meanwhile
        if progress is None or not ensure_owner(caller, progress.customer_id):
            raise OrderNotFoundError(order_id)  # another customer's: as if absent
    except BaseException:
        stream.close()
        raise
    return OrderStreamResponse(stream)
