"""Orders over HTTP: one order with its history, a customer's orders, a live status stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop.common.auth.dependencies import CustomerDep, ensure_owner, owned_customer
from shop.common.auth.principal import Principal
from shop.common.openapi import problem_responses
from shop.common.read_session import read_session
from shop.ordering.adapters import queries
from shop.ordering.adapters.history_feed import HistoryFeed
from shop.ordering.bootstrap import Ordering
from shop.ordering.domain.errors import OrderNotFoundError
from shop.ordering.domain.order_terms import OrderStatus
from shop.ordering.entrypoints.schemas import OrderOut, OrderPage, OrderSummary
from shop.ordering.entrypoints.stream import (
    StreamTiming,
    order_events,
    placed_order,
    preferred_wait,
)

router = APIRouter(prefix="/orders", tags=["orders"])


def get_sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    ordering: Ordering = request.app.state.process.state["ordering"]
    return ordering.sessions


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with read_session(get_sessions(request)) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
CustomerId = Annotated[
    str | None,
    Query(min_length=1, max_length=128, description="default and for customers: the caller"),
]


async def owned_order(session: AsyncSession, order_id: UUID, caller: Principal) -> dict[str, Any]:
    """The order, if the caller may read it (its customer, or staff); 404 otherwise."""
    row = await queries.get_order(session, order_id)
    if row is None or not ensure_owner(caller, row["customer_id"]):
        raise OrderNotFoundError(order_id)
    return row


@router.get("/{order_id}", responses=problem_responses(404))
async def get_order(order_id: UUID, session: SessionDep, caller: CustomerDep) -> OrderOut:
    """The order with its history; staff also see its fraud score (`risk`)."""
    row = await owned_order(session, order_id, caller)
    return OrderOut.from_row(row if caller.is_staff else {**row, "risk": None})


@router.get("")
async def list_orders(
    session: SessionDep,
    caller: CustomerDep,
    customer_id: CustomerId = None,
    status: OrderStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> OrderPage:
    """A customer's orders, newest first (the caller's own; staff may name a customer)."""
    customer = owned_customer(caller, customer_id, read=True)
    rows, total = await queries.customer_orders(
        session, customer, status.value if status else None, limit, offset
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
) -> StreamingResponse:
    """Status changes of the order as server-sent events, from `Last-Event-ID` on; the stream
    ends once the order is confirmed or cancelled and its compensations are acknowledged.
    Right after a checkout the order may not be placed yet: 404, unless `Prefer: wait=N`."""
    state = request.app.state.process.state
    timing: StreamTiming = state["order_stream_timing"]
    feed: HistoryFeed = state["order_history_feed"]
    progress = await placed_order(  # no connection held for the stream's lifetime
        get_sessions(request), feed, order_id, preferred_wait(prefer), timing.poll_seconds
    )
    if progress is None or not ensure_owner(caller, progress.customer_id):
        raise OrderNotFoundError(order_id)  # another customer's: as if absent
    events = order_events(
        get_sessions(request), feed, order_id, last_event_id, timing, request.is_disconnected
    )
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
