"""The ordering API in-process on real PostgreSQL: orders, customer lists, the SSE stream."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any, NamedTuple
from uuid import UUID, uuid4

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import Message

from infra.fixtures_identity import IdentityProvider
from integration.context_api import api_client, settings_on
from shop.ordering.adapters import queries
from shop.ordering.adapters.history_feed import HistoryFeed
from shop.ordering.bootstrap import Ordering
from shop.ordering.domain import messages as m
from shop.ordering.entrypoints import stream as order_stream
from shop.ordering.entrypoints.api import create_ordering_app
from shop.ordering.entrypoints.stream import Found
from shop.ordering.settings import OrderingSettings
from support.polling import wait_until_async
from unit.ordering.ordering_builders import ORDER_ID, checkout, terms


class Api(NamedTuple):
    http: httpx.AsyncClient
    ordering: Ordering
    registry: CollectorRegistry
    app: FastAPI

    async def streams_open(self) -> bool:
        return self.registry.get_sample_value("shop_http_requests_in_flight") == 1


@contextlib.asynccontextmanager
async def ordering_api(
    engine: AsyncEngine, identity: IdentityProvider, poll_seconds: float
) -> AsyncIterator[tuple[Api, HistoryFeed]]:
    settings = settings_on(
        OrderingSettings,
        engine,
        order_stream_poll_seconds=poll_seconds,
    )
    app = create_ordering_app(settings)
    async with api_client(app, identity.admin()) as client:
        state = app.state.process.state
        yield (
            Api(client, state["ordering"], app.state.process.registry, app),
            state["order_history_feed"],
        )


@pytest.fixture
async def client(ordering_engine: AsyncEngine, identity: IdentityProvider) -> AsyncIterator[Api]:
    async with ordering_api(ordering_engine, identity, poll_seconds=0.05) as (api, _):
        yield api


PLACED_RESERVED_CONFIRMED = [("placed", 1), ("stock-reserved", 2), ("confirmed", 3)]


async def confirm(ordering: Ordering) -> None:
    """The saga's replies after the checkout: stock reserved, then the payment succeeded."""
    await ordering.bus.handle(m.StockReserved(uuid4(), ORDER_ID))
    await ordering.bus.handle(m.PaymentSucceeded(uuid4(), ORDER_ID))


def waiting_stream(api: Api, *, seconds: int) -> asyncio.Task[httpx.Response]:
    """The order's stream, asked to wait up to `seconds` for the order (`Prefer: wait`)."""
    return asyncio.create_task(
        api.http.get(f"/orders/{ORDER_ID}/events", headers={"Prefer": f"wait={seconds}"})
    )


def kinds_in_sequence(body: str) -> list[tuple[object, object]]:
    """Each streamed event's kind and sequence number."""
    return [(e["kind"], e["sequence"]) for e in events_of(body)]


def events_of(body: str) -> list[dict[str, object]]:
    return [
        json.loads(line.removeprefix("data: "))
        for line in body.splitlines()
        if line.startswith("data: ")
    ]


async def test_an_order_is_served_with_its_history(
    client: Api,
) -> None:
    http, ordering, *_ = client
    await ordering.bus.handle(checkout())

    order = (await http.get(f"/orders/{ORDER_ID}")).json()

    assert (order["status"], order["total"], order["currency"]) == ("PENDING", "23.00", "EUR")
    assert [entry["kind"] for entry in order["history"]] == ["placed"]
    assert order["lines"][0]["name"] == "Mug"


async def test_staff_see_the_orders_fraud_score_and_its_customer_does_not(
    client: Api, identity: IdentityProvider
) -> None:
    http, ordering, *_ = client
    buyer = identity.customer(1)
    own = replace(checkout(), terms=replace(terms(), customer_id=buyer.subject))
    await ordering.bus.handle(own)

    staff_view = (await http.get(f"/orders/{ORDER_ID}")).json()
    own_view = (await http.get(f"/orders/{ORDER_ID}", headers=buyer.headers)).json()

    assert staff_view["risk"] == {"score": 0, "threshold": 80, "reasons": []}
    assert (own_view["id"], own_view["risk"]) == (str(ORDER_ID), None)


async def test_a_customers_orders_are_listed_newest_first_and_filtered_by_status(
    client: Api,
) -> None:
    http, ordering, *_ = client
    first, second = uuid4(), uuid4()
    await ordering.bus.handle(checkout(first))
    await ordering.bus.handle(checkout(second))
    await ordering.bus.handle(m.StockReservationFailed(uuid4(), second, reason="out-of-stock"))

    everything = (await http.get("/orders", params={"customer_id": "alice"})).json()
    cancelled = (
        await http.get("/orders", params={"customer_id": "alice", "status": "CANCELLED"})
    ).json()
    nobody = (await http.get("/orders", params={"customer_id": "bob"})).json()

    assert [o["id"] for o in everything["items"]] == [str(second), str(first)]
    assert [o["cancel_reason"] for o in cancelled["items"]] == ["out-of-stock"]
    assert nobody["total"] == 0


async def test_the_stream_follows_the_order_live_and_ends_when_it_is_settled(
    client: Api,
) -> None:
    http, ordering, *_ = client
    await ordering.bus.handle(checkout())

    stream = asyncio.create_task(http.get(f"/orders/{ORDER_ID}/events"))
    await wait_until_async(client.streams_open, within=10, what="the stream to open")
    await confirm(ordering)
    response = await asyncio.wait_for(stream, timeout=30)

    assert response.headers["content-type"].startswith("text/event-stream")
    assert [(e["kind"], e["status"]) for e in events_of(response.text)] == [
        ("placed", "PENDING"),
        ("stock-reserved", "STOCK_RESERVED"),
        ("confirmed", "CONFIRMED"),
    ]
    assert "id: 3\nevent: status" in response.text


async def test_a_reconnecting_stream_resumes_after_the_last_event_id(
    client: Api,
) -> None:
    http, ordering, *_ = client
    await ordering.bus.handle(checkout())
    await ordering.bus.handle(m.StockReservationFailed(uuid4(), ORDER_ID, reason="out-of-stock"))

    response = await http.get(f"/orders/{ORDER_ID}/events", headers={"Last-Event-ID": "1"})

    assert [e["kind"] for e in events_of(response.text)] == ["cancelled"]


async def test_a_stream_asked_to_wait_is_answered_once_the_order_is_placed(
    ordering_engine: AsyncEngine, identity: IdentityProvider
) -> None:
    # The fallback poll is far beyond the test's bound: only the history feed can wake it.
    async with ordering_api(ordering_engine, identity, poll_seconds=60) as (api, feed):
        await wait_until_async(feed_listening(feed), within=10, what="the history feed to listen")
        stream = waiting_stream(api, seconds=20)
        await wait_until_async(api.streams_open, within=10, what="the request to wait")
        await api.ordering.bus.handle(checkout())
        await api.ordering.bus.handle(
            m.StockReservationFailed(uuid4(), ORDER_ID, reason="out-of-stock")
        )
        response = await asyncio.wait_for(stream, timeout=15)

    assert response.status_code == 200
    assert [e["kind"] for e in events_of(response.text)] == ["placed", "cancelled"]


async def test_a_live_stream_reads_once_then_sends_what_the_history_feed_announces(
    ordering_engine: AsyncEngine, identity: IdentityProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No fallback poll within the test: each entry after the first read comes by the feed.
    async with ordering_api(ordering_engine, identity, poll_seconds=60) as (api, feed):
        await wait_until_async(feed_listening(feed), within=10, what="the history feed to listen")
        reads = counted_reads(monkeypatch)
        await api.ordering.bus.handle(checkout())
        events = asyncio.create_task(api.http.get(f"/orders/{ORDER_ID}/events"))
        await wait_until_async(lambda: _read_once(reads), within=10, what="the stream's read")
        await confirm(api.ordering)
        response = await asyncio.wait_for(events, timeout=15)

    assert kinds_in_sequence(response.text) == PLACED_RESERVED_CONFIRMED
    assert len(reads) == 1


async def _read_once(reads: list[int]) -> bool:
    return len(reads) == 1


def feed_listening(feed: HistoryFeed) -> Callable[[], Awaitable[bool]]:
    async def listening() -> bool:
        return feed.listening

    return listening


async def test_a_stream_whose_client_leaves_ends_and_stops_watching_the_order(
    ordering_engine: AsyncEngine, identity: IdentityProvider
) -> None:
    async with ordering_api(ordering_engine, identity, poll_seconds=60) as (api, feed):
        await api.ordering.bus.handle(checkout())
        left, received, sent = asyncio.Event(), 0, list[Message]()

        async def receive() -> Message:
            nonlocal received
            received += 1
            if received > 1:  # the request has no body; then the client leaves
                await left.wait()
                return {"type": "http.disconnect"}
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Message) -> None:
            sent.append(message)
            if message.get("body"):
                left.set()  # after the first event

        path = f"/orders/{ORDER_ID}/events"
        token = api.http.headers["authorization"].encode()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"shop.test"), (b"authorization", token)],
            "client": ("127.0.0.1", 50000),
            "server": ("shop.test", 80),
        }
        await asyncio.wait_for(api.app(scope, receive, send), timeout=10)

        assert sent[0]["status"] == 200
        assert b"event: status" in sent[1]["body"]
        assert sent[-1] == {"type": "http.response.body", "body": b"", "more_body": False}
        assert await api.streams_open() is False  # the request ended
        assert not await feed_watches(feed)


async def feed_watches(feed: HistoryFeed) -> bool:
    """Whether the feed still hands news to any stream (a stream that ended must not)."""
    return any(feed._watchers.values())


async def test_a_stream_asked_to_wait_answers_404_after_the_wait(client: Api) -> None:
    started = asyncio.get_running_loop().time()
    response = await client.http.get(f"/orders/{uuid4()}/events", headers={"Prefer": "wait=1"})
    assert response.status_code == 404
    assert asyncio.get_running_loop().time() - started >= 1


async def test_unknown_orders_are_404_problems(client: Api) -> None:
    http, *_ = client
    missing = uuid4()

    for path in (f"/orders/{missing}", f"/orders/{missing}/events"):
        response = await http.get(path)
        assert response.status_code == 404
        assert response.json()["type"] == "urn:shopkeeper:problem:order-not-found"


async def test_a_listing_without_a_customer_is_the_callers_own(client: Api) -> None:
    http, *_ = client

    response = await http.get("/orders")

    assert response.status_code == 200
    assert response.json()["total"] == 0  # the admin placed no order


def counted_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The `after` of every read the streams make from now on."""
    reads: list[int] = []
    read = queries.progress_and_history_since

    async def count_stream_reads(connection: Any, order_id: UUID, after: int) -> Found:
        reads.append(after)
        return await read(connection, order_id, after)

    monkeypatch.setattr(order_stream, "progress_and_history_since", count_stream_reads)
    return reads


async def test_a_stream_asked_to_wait_before_the_placement_opens_from_the_news_without_a_read(
    ordering_engine: AsyncEngine, identity: IdentityProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with ordering_api(ordering_engine, identity, poll_seconds=60) as (api, feed):
        await wait_until_async(feed_listening(feed), within=10, what="the history feed to listen")
        reads = counted_reads(monkeypatch)
        stream = waiting_stream(api, seconds=20)
        await wait_until_async(api.streams_open, within=10, what="the request to wait")
        for message in (
            checkout(),
            m.StockReserved(uuid4(), ORDER_ID),
            m.PaymentSucceeded(uuid4(), ORDER_ID),
        ):
            await api.ordering.bus.handle(message)
        response = await asyncio.wait_for(stream, timeout=15)

    assert response.status_code == 200
    assert kinds_in_sequence(response.text) == PLACED_RESERVED_CONFIRMED
    assert reads == []


async def test_a_stream_asked_to_wait_after_the_placement_reads_once_the_news_do_not_come(
    ordering_engine: AsyncEngine, identity: IdentityProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with ordering_api(ordering_engine, identity, poll_seconds=60) as (api, feed):
        await wait_until_async(feed_listening(feed), within=10, what="the history feed to listen")
        await api.ordering.bus.handle(checkout())
        reads = counted_reads(monkeypatch)
        stream = waiting_stream(api, seconds=20)
        await wait_until_async(lambda: _read_once(reads), within=10, what="the stream's read")
        await confirm(api.ordering)
        response = await asyncio.wait_for(stream, timeout=15)

    assert kinds_in_sequence(response.text) == PLACED_RESERVED_CONFIRMED
    assert reads == [0]


async def test_a_stream_asked_to_wait_whose_next_news_skip_the_placement_reads_it(
    ordering_engine: AsyncEngine, identity: IdentityProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """News newer than the placement come first: the stream reads what it missed at once."""
    async with ordering_api(ordering_engine, identity, poll_seconds=60) as (api, feed):
        await wait_until_async(feed_listening(feed), within=10, what="the history feed to listen")
        await api.ordering.bus.handle(checkout())
        reads = counted_reads(monkeypatch)
        api.app.state.process.state["order_stream_timing"] = replace(
            api.app.state.process.state["order_stream_timing"], news_first_seconds=20
        )
        stream = waiting_stream(api, seconds=25)
        await wait_until_async(api.streams_open, within=10, what="the request to wait")
        await confirm(api.ordering)
        response = await asyncio.wait_for(stream, timeout=15)

    assert kinds_in_sequence(response.text) == PLACED_RESERVED_CONFIRMED
    assert reads == [0]
