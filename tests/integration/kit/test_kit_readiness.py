"""`/readyz` against real PostgreSQL and Kafka: green when both answer, 503 naming the one down."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from shop.common.app import create_app
from shop.common.settings import ServiceSettings
from shop.common.telemetry import install_span_exporter
from shop.devstack.ports import free_port

pytestmark = pytest.mark.integration


def settings_for(database_url: str, bootstrap_servers: str) -> ServiceSettings:
    return ServiceSettings(
        database_url=database_url,
        kafka_bootstrap_servers=bootstrap_servers,
        service_name="kit-readiness",
        readiness_timeout_seconds=5,
    )


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://kit") as client,
    ):
        yield client


async def test_ready_when_the_database_and_kafka_answer(
    postgres: PostgresServer, kafka: KafkaBroker
) -> None:
    settings = settings_for(postgres.dsn("postgres"), kafka.bootstrap_servers)
    async with running(create_app(title="Kit", settings=settings)) as client:
        first = await client.get("/readyz")
        second = await client.get("/readyz")  # the Kafka client is reused

    assert first.status_code == 200, first.text
    assert first.json()["status"] == "ok"
    assert {name: check["status"] for name, check in first.json()["checks"].items()} == {
        "database": "ok",
        "kafka": "ok",
    }
    assert second.status_code == 200, second.text


async def test_not_ready_when_the_database_is_unreachable(kafka: KafkaBroker) -> None:
    closed = f"postgresql+asyncpg://shop:pw@127.0.0.1:{free_port()}/shop"
    settings = settings_for(closed, kafka.bootstrap_servers)
    async with running(create_app(title="Kit", settings=settings)) as client:
        response = await client.get("/readyz")

    checks = response.json()["checks"]
    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert checks["database"]["status"] == "fail"
    assert "Connect call failed" in checks["database"]["error"]
    assert checks["kafka"]["status"] == "ok"


async def test_not_ready_when_kafka_is_unreachable(postgres: PostgresServer) -> None:
    settings = settings_for(postgres.dsn("postgres"), f"127.0.0.1:{free_port()}")
    async with running(create_app(title="Kit", settings=settings)) as client:
        response = await client.get("/readyz")

    checks = response.json()["checks"]
    assert response.status_code == 503
    assert checks["database"]["status"] == "ok"
    assert checks["kafka"]["status"] == "fail"
    assert "Unable to bootstrap" in checks["kafka"]["error"]


async def test_database_calls_of_the_process_engine_are_traced(
    postgres: PostgresServer, kafka: KafkaBroker
) -> None:
    spans = InMemorySpanExporter()
    install_span_exporter(spans, "kit-readiness")
    settings = settings_for(postgres.dsn("postgres"), kafka.bootstrap_servers)
    async with running(create_app(title="Kit", settings=settings)) as client:
        assert (await client.get("/readyz")).status_code == 200

    statements = [
        span.attributes.get("db.statement") or span.attributes.get("db.query.text")
        for span in spans.get_finished_spans()
        if span.kind == SpanKind.CLIENT and span.attributes
    ]
    assert "SELECT 1" in statements
