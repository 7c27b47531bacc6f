"""Least privilege on real PostgreSQL: each context's role owns its schema and can neither read
nor write another context's tables, nor make schemas of its own (ADR 0053)."""

from __future__ import annotations

import itertools
from uuid import uuid4

import psycopg
import pytest
from psycopg import errors

from localinfra.postgres import PostgresServer
from shop.common.db_role_names import context_role_name, new_password
from shop.common.db_roles import (
    ContextRole,
    RoleMode,
    context_database_url,
    migrate_context,
)
from shop.common.migrations import sync_url, upgrade
from shop.topology import CONTEXTS

pytestmark = pytest.mark.integration


def roles_of(database: str) -> dict[str, ContextRole]:
    return {c: ContextRole(c, context_role_name(database, c), new_password()) for c in CONTEXTS}


def migrate_as_roles(admin_url: str, roles: dict[str, ContextRole]) -> None:
    """`shop migrate <context>` with an admin URL: prepare, then migrate as the role."""
    for context, role in roles.items():
        migrate_context(context, context_database_url(admin_url, role), admin_url, RoleMode.MANAGE)


def connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(
        sync_url(url).replace("postgresql+psycopg", "postgresql"), autocommit=True
    )


@pytest.fixture(scope="module")
def shop_database(postgres: PostgresServer) -> tuple[str, dict[str, ContextRole]]:
    """A database migrated context by context, each as its own role; its admin URL."""
    name = f"shop_roles_{uuid4().hex[:8]}"
    postgres.create_database(name)
    admin_url = postgres.dsn(name, driver="postgresql+asyncpg")
    roles = roles_of(name)
    migrate_as_roles(admin_url, roles)
    return admin_url, roles


@pytest.mark.parametrize("context", CONTEXTS)
def test_a_context_role_cannot_read_or_write_another_contexts_tables(
    context: str, shop_database: tuple[str, dict[str, ContextRole]]
) -> None:
    admin_url, roles = shop_database
    with connect(context_database_url(admin_url, roles[context])) as own:
        own.execute(f"SELECT count(*) FROM {context}.outbox")  # its own: allowed
        own.execute(f"DELETE FROM {context}.inbox WHERE false")
        for other in (c for c in CONTEXTS if c != context):
            for statement in (
                f"SELECT count(*) FROM {other}.inbox",
                f"DELETE FROM {other}.outbox",
                f"INSERT INTO {other}.inbox (consumer_group) VALUES ('intruder')",
                f"CREATE TABLE {other}.intruder (id int)",
            ):
                with pytest.raises(errors.InsufficientPrivilege, match="permission denied"):
                    own.execute(statement)
        with pytest.raises(errors.InsufficientPrivilege):
            own.execute("CREATE SCHEMA intruder")


def test_each_role_owns_exactly_its_schema_and_holds_no_attribute(
    postgres: PostgresServer, shop_database: tuple[str, dict[str, ContextRole]]
) -> None:
    admin_url, roles = shop_database
    database = admin_url.rsplit("/", 1)[1]
    owners = postgres.psql(
        "SELECT n.nspname || '=' || r.rolname FROM pg_namespace n JOIN pg_roles r ON "
        f"r.oid = n.nspowner WHERE n.nspname IN ({', '.join(repr(c) for c in CONTEXTS)})",
        database=database,
    ).split()
    assert sorted(owners) == sorted(f"{c}={r.role}" for c, r in roles.items())
    foreign = postgres.psql(
        "SELECT n.nspname || '.' || c.relname || ' ' || r.rolname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_roles r ON r.oid = c.relowner "
        f"WHERE n.nspname IN ({', '.join(repr(c) for c in CONTEXTS)}) "
        f"AND r.rolname <> '{database}_' || n.nspname",
        database=database,
    )
    assert foreign == "", f"objects not owned by their context's role:\n{foreign}"
    attributes = postgres.psql(
        "SELECT rolname FROM pg_roles WHERE rolname IN "
        f"({', '.join(repr(r.role) for r in roles.values())}) AND (rolsuper OR rolcreatedb "
        "OR rolcreaterole OR rolreplication OR rolbypassrls OR NOT rolcanlogin)"
    )
    assert attributes == ""


def test_preparing_and_migrating_again_changes_nothing_and_takes_a_new_password(
    shop_database: tuple[str, dict[str, ContextRole]],
) -> None:
    admin_url, roles = shop_database
    again = {
        c: ContextRole(r.schema, r.role, new_password())
        for c, r in itertools.islice(roles.items(), 2)
    }
    migrate_as_roles(admin_url, again)
    for context, role in again.items():
        with connect(context_database_url(admin_url, role)) as own:
            own.execute(f"SELECT count(*) FROM {context}.alembic_version")
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            connect(context_database_url(admin_url, roles[context]))


def test_a_database_migrated_before_the_roles_is_handed_over_to_them(
    postgres: PostgresServer,
) -> None:
    """Schemas and tables the administrator made (one shared role, as before) change owner."""
    name = f"shop_shared_{uuid4().hex[:8]}"
    postgres.create_database(name)
    admin_url = postgres.dsn(name, driver="postgresql+asyncpg")
    for context in CONTEXTS:
        upgrade(context, admin_url)
    roles = roles_of(name)
    migrate_as_roles(admin_url, roles)
    ordering = context_database_url(admin_url, roles["ordering"])
    with connect(ordering) as own:
        own.execute("SELECT count(*) FROM ordering.order_history")
        own.execute("SELECT count(*) FROM ordering.alembic_version")
        with pytest.raises(errors.InsufficientPrivilege):
            own.execute("SELECT count(*) FROM payment.inbox")
    left = postgres.psql(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        f"WHERE n.nspname IN ({', '.join(repr(c) for c in CONTEXTS)}) "
        "AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)",
        database=name,
    )
    assert left == "0"
