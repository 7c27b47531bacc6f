"""One database role per bounded context, owning its schema and nothing else (ADR 0053).

`prepare_context_schema` runs as an administrator (a role that may create roles, or the owner of
the database that is a member of the context roles) before a context's migrations, which then
run as the context's own role (`migrate_context` does both: `shop migrate`, and the integration
tests' stacks):

- `manage` (an external database, `shop up`): the role is created if missing and given its
  password; the administrator becomes a member of it (it can then hand objects over and read the
  outbox for Debezium);
- `adopt` (CloudNativePG, which creates the roles and their memberships itself): the role is
  left alone.

Both create the schema with the role as its owner if it is missing, hand an existing schema and
every object in it to the role (a database that predates the roles), and take away what
`PUBLIC` may hold on the schema; they create the extensions the context's migrations use
(`EXTENSIONS`), which its role may not. Every statement is idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from shop.common.database_socket import server_address
from shop.common.migrations import sync_url, upgrade
from shop.common.outbox import require_schema_name

_RELATION_KINDS = {
    "r": "TABLE",
    "p": "TABLE",
    "v": "VIEW",
    "m": "MATERIALIZED VIEW",
    "S": "SEQUENCE",
    "f": "FOREIGN TABLE",
    "c": "TYPE",
}


EXTENSIONS: dict[str, tuple[str, ...]] = {"catalog": ("vector",)}
"""The extensions each context's migrations use, created in `public` by the administrator:
pgvector is not a trusted extension (ADR 0052). With CloudNativePG, whose owner is no superuser,
its `Database` creates them first, and `IF NOT EXISTS` then changes nothing."""


class RoleMode(StrEnum):
    """Who looks after the context roles."""

    MANAGE = "manage"
    ADOPT = "adopt"


@dataclass(frozen=True)
class ContextRole:
    """A context's schema, the role owning it, and its password (`manage` sets it)."""

    schema: str
    role: str
    password: str | None = None

    def __post_init__(self) -> None:
        require_schema_name(self.schema)
        require_schema_name(self.role)


def context_database_url(admin_url: str, role: ContextRole) -> str:
    """`admin_url` with the context role's name and password (same server and database)."""
    url = make_url(admin_url).set(username=role.role, password=role.password)
    return url.render_as_string(hide_password=False)


def role_statements(role: ContextRole) -> list[sql.Composed]:
    """`manage`: the login role with its password, and the administrator its member."""
    if role.password is None:
        raise ValueError(f"managing role {role.role} needs its password")
    name = sql.Identifier(role.role)
    create = sql.SQL(
        "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {}) THEN "
        "CREATE ROLE {} LOGIN; END IF; EXCEPTION WHEN duplicate_object THEN NULL; END$$"
    ).format(sql.Literal(role.role), name)
    return [
        create,
        sql.SQL("ALTER ROLE {} WITH LOGIN PASSWORD {}").format(name, sql.Literal(role.password)),
        sql.SQL("GRANT {} TO CURRENT_USER").format(name),
    ]


def schema_statements(role: ContextRole) -> list[sql.Composed]:
    """The schema owned by the role, with everything in it; nothing for `PUBLIC`."""
    schema, owner = sql.Identifier(role.schema), sql.Identifier(role.role)
    kinds = sql.SQL(" ").join(
        sql.SQL("WHEN {} THEN {}").format(sql.Literal(k), sql.Literal(v))
        for k, v in _RELATION_KINDS.items()
    )
    # Indexes, and sequences owned by a column, follow their table.
    hand_over = sql.SQL(
        """DO $$DECLARE obj record; BEGIN
        FOR obj IN SELECT c.relname, CASE c.relkind {kinds} END AS kind FROM pg_class c
            WHERE c.relnamespace = {schema_name}::regnamespace
            AND c.relowner <> {role_name}::regrole AND c.relkind IN ({relkinds})
            AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
        LOOP
            EXECUTE format('ALTER %s %I.%I OWNER TO %I', obj.kind, {schema_name},
                obj.relname, {role_name});
        END LOOP;
        FOR obj IN SELECT p.oid::regprocedure AS routine FROM pg_proc p
            WHERE p.pronamespace = {schema_name}::regnamespace
            AND p.proowner <> {role_name}::regrole
        LOOP
            EXECUTE format('ALTER ROUTINE %s OWNER TO %I', obj.routine, {role_name});
        END LOOP;
        FOR obj IN SELECT t.oid::regtype AS type FROM pg_type t
            WHERE t.typnamespace = {schema_name}::regnamespace
            AND t.typowner <> {role_name}::regrole AND t.typtype IN ('e', 'd', 'r', 'm')
        LOOP
            EXECUTE format('ALTER TYPE %s OWNER TO %I', obj.type, {role_name});
        END LOOP;
        END$$"""
    ).format(
        kinds=kinds,
        schema_name=sql.Literal(role.schema),
        role_name=sql.Literal(role.role),
        relkinds=sql.SQL(", ").join(sql.Literal(k) for k in _RELATION_KINDS),
    )
    return [
        sql.SQL("CREATE SCHEMA IF NOT EXISTS {} AUTHORIZATION {}").format(schema, owner),
        sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(schema, owner),
        sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC").format(schema),
        hand_over,
    ]


def extension_statements(role: ContextRole) -> list[sql.Composed]:
    """The context's extensions (`EXTENSIONS`), in `public`, unless they exist."""
    return [
        sql.SQL("CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA public").format(sql.Identifier(name))
        for name in EXTENSIONS.get(role.schema, ())
    ]


def preparation_statements(role: ContextRole, mode: RoleMode) -> list[sql.Composed]:
    """Everything `prepare_context_schema` runs, in order."""
    own = [*schema_statements(role), *extension_statements(role)]
    return [*role_statements(role), *own] if mode is RoleMode.MANAGE else own


def prepare_context_schema(admin_url: str, role: ContextRole, mode: RoleMode) -> None:
    """Run `preparation_statements` as the administrator of `admin_url`, in one transaction."""
    run_as_admin(admin_url, preparation_statements(role, mode))


def migrate_context(
    context: str,
    database_url: str,
    admin_url: str | None = None,
    mode: RoleMode = RoleMode.MANAGE,
    revision: str = "head",
    *,
    script_location: str | None = None,
) -> None:
    """`shop migrate <context>`: with `admin_url`, first `prepare_context_schema` for the role
    of `database_url` (its user and password); then the migrations, as that role."""
    schema = require_schema_name(context)
    if admin_url:
        own = make_url(database_url)
        role = ContextRole(schema, own.username or "", own.password)
        prepare_context_schema(admin_url, role, mode)
    upgrade(schema, database_url, revision, script_location=script_location)


def run_as_admin(admin_url: str, statements: Sequence[sql.Composed]) -> None:
    """Execute `statements` in one transaction on `admin_url` (any SQLAlchemy-style URL, over
    TCP or a Unix socket)."""
    url = make_url(sync_url(admin_url))
    host, port = server_address(url)
    with psycopg.connect(
        host=host,
        port=port,
        dbname=url.database,
        user=url.username,
        password=url.password,
        connect_timeout=10,
    ) as connection:
        for statement in statements:
            connection.execute(statement)
