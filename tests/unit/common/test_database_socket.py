"""A PostgreSQL URL over the server's Unix socket, as each of its readers understands it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from shop.common.database_socket import over_unix_socket, server_address, socket_file
from shop.common.migrations import sync_url
from shop.common.relay.options import asyncpg_dsn

pytestmark = pytest.mark.unit

TCP = "postgresql+asyncpg://shop_catalog:p%40ss%25w0rd@127.0.0.1:5433/shop"
DIRECTORY = Path("/tmp/shopkeeper-stack-x/postgres")


def test_the_socket_form_keeps_the_role_and_database_and_names_the_directory_and_port() -> None:
    url = over_unix_socket(TCP, DIRECTORY)
    assert url == (
        "postgresql+asyncpg://shop_catalog:p%40ss%25w0rd@/shop"
        "?host=%2Ftmp%2Fshopkeeper-stack-x%2Fpostgres&port=5433"
    )
    parsed = make_url(url)
    assert (parsed.username, parsed.password, parsed.database) == (
        "shop_catalog",
        "p@ss%w0rd",
        "shop",
    )
    assert (parsed.host, parsed.port) == (None, None)


def test_other_query_options_stay_and_the_port_defaults_to_postgres_own() -> None:
    url = make_url(
        over_unix_socket("postgresql://u:p@localhost/shop?application_name=x", DIRECTORY)
    )
    assert dict(url.query) == {"application_name": "x", "host": str(DIRECTORY), "port": "5432"}


def test_sqlalchemys_asyncpg_and_psycopg_dialects_connect_to_the_socket() -> None:
    url = make_url(over_unix_socket(TCP, DIRECTORY))
    _, asyncpg_args = create_async_engine(url).dialect.create_connect_args(url)
    assert (asyncpg_args["host"], asyncpg_args["port"]) == (str(DIRECTORY), 5433)
    assert asyncpg_args["password"] == "p@ss%w0rd"
    sync = make_url(sync_url(url.render_as_string(hide_password=False)))
    _, psycopg_args = create_engine(sync).dialect.create_connect_args(sync)
    assert (psycopg_args["host"], psycopg_args["port"]) == (str(DIRECTORY), "5433")


def test_asyncpgs_dsn_and_libpqs_address_name_the_socket() -> None:
    url = over_unix_socket(TCP, DIRECTORY)
    assert asyncpg_dsn(url) == (
        "postgresql://shop_catalog:p%40ss%25w0rd@/shop"
        "?host=%2Ftmp%2Fshopkeeper-stack-x%2Fpostgres&port=5433"
    )
    assert server_address(make_url(url)) == (str(DIRECTORY), 5433)


def test_a_tcp_url_keeps_its_host_and_port() -> None:
    assert server_address(make_url(TCP)) == ("127.0.0.1", 5433)
    assert server_address(make_url("postgresql://u:p@db/shop")) == ("db", None)
    assert asyncpg_dsn(TCP) == "postgresql://shop_catalog:p%40ss%25w0rd@127.0.0.1:5433/shop"


def test_a_relative_directory_or_a_socket_path_too_long_for_the_kernel_is_refused() -> None:
    with pytest.raises(ValueError, match="absolute"):
        over_unix_socket(TCP, Path("postgres"))
    deep = Path("/tmp") / ("d" * 90)
    assert len(str(socket_file(deep, 5433))) > 107
    with pytest.raises(ValueError, match="longer than a Unix socket's 107 bytes"):
        over_unix_socket(TCP, deep)
