"""Which exceptions mean that a dependency is down: those become 503s, the rest stay 500s."""

from __future__ import annotations

from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest
from aiokafka.errors import KafkaConnectionError
from fastapi import APIRouter
from sqlalchemy import exc as sa_exc

from shop.common.app import create_app
from shop.common.consumer.processor import UNAVAILABLE
from shop.common.outages import connection_broken, unavailable_dependency
from shop.common.settings import ServiceSettings

pytestmark = pytest.mark.unit


def wrapped_by_sqlalchemy(error: Exception) -> sa_exc.DBAPIError:
    """As SQLAlchemy raises it: a DBAPIError whose `orig` was raised from asyncpg's error."""
    try:
        try:
            raise error
        except Exception as cause:
            raise RuntimeError("adapted DBAPI error") from cause
    except RuntimeError as adapted:
        return sa_exc.DBAPIError("SELECT 1", None, adapted)


def test_a_terminated_backend_is_a_database_outage() -> None:
    terminated = asyncpg.exceptions.AdminShutdownError("terminating connection")
    assert unavailable_dependency(wrapped_by_sqlalchemy(terminated)) == "database"


def test_a_server_starting_up_or_out_of_connections_is_a_database_outage() -> None:
    for error in (
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.TooManyConnectionsError("too many clients"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
    ):
        assert unavailable_dependency(wrapped_by_sqlalchemy(error)) == "database"


def test_an_exhausted_pool_is_a_database_outage() -> None:
    assert unavailable_dependency(sa_exc.TimeoutError("QueuePool limit")) == "database"


def test_a_refused_connection_is_named_after_the_client_it_rose_through() -> None:
    refused = ConnectionRefusedError(111, "Connect call failed")
    assert unavailable_dependency(refused) == "dependency"
    assert unavailable_dependency(KafkaConnectionError("no broker")) == "kafka"


def test_constraint_violations_and_bugs_are_no_outage() -> None:
    unique = asyncpg.exceptions.UniqueViolationError("duplicate key")
    assert unavailable_dependency(wrapped_by_sqlalchemy(unique)) is None
    assert unavailable_dependency(KeyError("total")) is None
    assert unavailable_dependency(sa_exc.IntegrityError("INSERT", None, ValueError())) is None


router = APIRouter()


@router.get("/down")
async def down() -> None:
    raise wrapped_by_sqlalchemy(asyncpg.exceptions.CannotConnectNowError("starting up"))


async def test_an_outage_is_a_503_problem_with_retry_after() -> None:
    settings = ServiceSettings(
        database_url="postgresql://shop:pw@127.0.0.1:9/shop",
        kafka_bootstrap_servers="127.0.0.1:9",
        outage_retry_after_seconds=7,
    )
    app = create_app(title="Outage", settings=settings, routers=[router])
    transport = httpx.ASGITransport(app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://shop") as client:
        response = await client.get("/down")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "7"
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["dependency"] == "database"
    assert "starting up" not in response.text  # no internals


def test_a_connection_left_mid_answer_or_lost_is_broken() -> None:
    mid_answer = asyncpg.InternalClientError("cannot switch to state 15; another operation (2)")
    for error in (
        mid_answer,
        wrapped_by_sqlalchemy(mid_answer),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
        asyncpg.exceptions.AdminShutdownError("terminating connection"),
    ):
        assert connection_broken(error), error


def test_a_statement_the_database_refused_leaves_its_connection_usable() -> None:
    for error in (
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        asyncpg.exceptions.SerializationError("could not serialize access"),
        ValueError("not a database error"),
    ):
        assert not connection_broken(error), error


async def test_a_stopped_database_behind_its_unix_socket_is_a_database_outage(
    tmp_path: Path,
) -> None:
    """A server that stopped removed its socket file: connecting raises FileNotFoundError."""
    with pytest.raises(FileNotFoundError) as caught:
        await asyncpg.connect(f"postgresql://u:p@/shop?host={tmp_path}&port=5432")
    assert unavailable_dependency(caught.value) == "database"
    assert connection_broken(caught.value)
    assert isinstance(caught.value, UNAVAILABLE)  # the consumer waits; nothing is dead-lettered


def test_a_missing_file_outside_the_database_clients_is_no_outage(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as caught:
        (tmp_path / "template.txt").read_text()
    assert unavailable_dependency(caught.value) is None
