"""PostgreSQL is real: logical decoding works end to end."""

import pytest

from localinfra.postgres import PostgresServer

pytestmark = pytest.mark.integration


def test_a_change_is_read_back_through_a_logical_replication_slot(
    postgres: PostgresServer,
) -> None:
    postgres.create_database("smoke_pg")
    postgres.psql("CREATE TABLE items (id int PRIMARY KEY, name text)", "smoke_pg")
    postgres.psql(
        "SELECT pg_create_logical_replication_slot('smoke_slot', 'test_decoding')", "smoke_pg"
    )
    try:
        postgres.psql("INSERT INTO items VALUES (7, 'seven')", "smoke_pg")
        changes = postgres.psql(
            "SELECT data FROM pg_logical_slot_get_changes('smoke_slot', NULL, NULL)", "smoke_pg"
        )
    finally:
        postgres.psql("SELECT pg_drop_replication_slot('smoke_slot')", "smoke_pg")
    assert "table public.items: INSERT: id[integer]:7 name[text]:'seven'" in changes


def test_the_server_is_configured_for_logical_replication(postgres: PostgresServer) -> None:
    assert postgres.psql("SHOW wal_level") == "logical"
    assert postgres.psql("SHOW listen_addresses") == "127.0.0.1"
