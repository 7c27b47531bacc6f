"""One trace from the HTTP request through the outbox, the relay and the consumer onwards."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
from fastapi import APIRouter, Request
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy.ext.asyncio import async_sessionmaker

from integration.messaging.conftest import Schema
from integration.messaging.support import (
    Account,
    AccountCredited,
    apply_credit,
    consumer_for,
    credit,
    read_topic,
    relay_for,
    running,
    unique,
)
from shop.common.app import create_app, get_process
from shop.common.events import Envelope
from shop.common.settings import ServiceSettings
from shop.common.telemetry import install_span_exporter
from shop.common.trace_context import context_from_headers, context_from_properties
from shop.common.uow import UnitOfWork
from support.polling import wait_until_async


async def test_one_trace_spans_request_outbox_relay_consumer_and_next_outbox_row(
    new_schema: Callable[[], Awaitable[Schema]], bootstrap: str
) -> None:
    exporter = InMemorySpanExporter()
    install_span_exporter(exporter)
    producer_side, consumer_side = await new_schema(), await new_schema()
    router = APIRouter()

    @router.post("/accounts/{account_id}/credits")
    async def credit_account(account_id: str, request: Request) -> dict[str, str]:
        sessions = async_sessionmaker(get_process(request).engine, expire_on_commit=False)
        uow = UnitOfWork(
            sessions,
            producer_side.tables,
            source="tests",
            topic_for=lambda _type: producer_side.topic,
        )
        await credit(uow, Account(account_id), 7)
        return {"status": "credited"}

    settings = ServiceSettings(
        database_url=producer_side.url, kafka_bootstrap_servers=bootstrap, service_name="trace-test"
    )
    app = create_app(title="trace test", settings=settings, routers=[router])
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://shop.test"
        ) as client,
    ):
        response = await client.post("/accounts/acc-1/credits")
    assert response.status_code == 200, response.text
    row_context = await producer_side.scalar("SELECT tracingspancontext FROM {s}.outbox")
    assert str(row_context).startswith("traceparent=00-")

    async def apply_and_follow_up(envelope: Envelope, uow: UnitOfWork) -> None:
        await apply_credit(envelope, uow)
        uow.publish(AccountCredited("acc-2", 1, 1), aggregate_type="account", aggregate_id="acc-2")

    relay = relay_for(producer_side.name, producer_side.dsn, bootstrap)
    consumer = consumer_for(
        unique("g"), producer_side.topic, consumer_side.uow, bootstrap, handler=apply_and_follow_up
    )
    async with running(relay.run), running(consumer.run):
        await wait_until_async(
            lambda: _has_follow_up(consumer_side), within=60, what="follow-up row"
        )
    record = (await read_topic(bootstrap, producer_side.topic, 1, within=10))[0]

    spans = exporter.get_finished_spans()
    server = next(s for s in spans if s.kind == SpanKind.SERVER and "/credits" in s.name)
    publish = next(s for s in spans if s.name == f"{producer_side.topic} publish")
    process = next(s for s in spans if s.name == f"{producer_side.topic} process")
    trace_id = server.context.trace_id
    assert publish.context.trace_id == trace_id
    assert process.context.trace_id == trace_id
    stored = trace.get_current_span(context_from_properties(str(row_context))).get_span_context()
    assert stored.trace_id == trace_id
    assert publish.parent is not None
    assert publish.parent.span_id == stored.span_id  # the relay continues the row's context
    carried = trace.get_current_span(context_from_headers(record.headers)).get_span_context()
    assert carried.trace_id == trace_id
    assert process.parent is not None
    assert process.parent.span_id == carried.span_id  # child, not link: see docs/adr/0001
    assert process.kind == SpanKind.CONSUMER
    next_row = await consumer_side.scalar("SELECT tracingspancontext FROM {s}.outbox")
    follow_up = trace.get_current_span(context_from_properties(str(next_row))).get_span_context()
    assert follow_up.trace_id == trace_id
    assert follow_up.span_id == process.context.span_id


async def _has_follow_up(schema: Schema) -> bool:
    return bool(await schema.scalar("SELECT count(*) FROM {s}.outbox") == 1)
