"""Alembic per bounded context: each context migrates its own schema with its own version table.

A context keeps `shop/<context>/migrations/` (copied from `migration_template/` by `scaffold`):
an `env.py` calling `run_env()` with the context's table metadata, a `script.py.mako` and
`versions/`. Every context's history starts with the shared first revision, which creates the
outbox and inbox (`messaging_versions/`, a version location of every context). Revisions find
their schema with `migration_schema()`. `shop migrate <context>` runs `upgrade`.
Migrations run synchronously through psycopg, so they work inside or outside an event loop.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import MetaData, create_engine, pool, text
from sqlalchemy.engine import Connection, make_url

from shop.common.outbox import create_messaging_sql, drop_messaging_sql, require_schema_name

TEMPLATE_DIR = Path(__file__).parent / "migration_template"
MESSAGING_VERSIONS = Path(__file__).parent / "messaging_versions"
_SCHEMA_OPTION = "shop_schema"
VERSION_TABLE = "alembic_version"


def sync_url(database_url: str) -> str:
    """The database URL with the psycopg driver (migrations run synchronously)."""
    url = make_url(database_url)
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def alembic_config(
    schema: str, database_url: str, *, script_location: str | Path | None = None
) -> Config:
    """Alembic configuration of one context; scripts default to `shop.<schema>:migrations`."""
    require_schema_name(schema)
    config = Config()
    scripts = str(script_location or f"shop.{schema}:migrations")
    config.set_main_option("script_location", scripts)
    # A package resource (`pkg:path`, Alembic's rule) or a folder; one location per line.
    resource = ":" in scripts and not Path(scripts).is_absolute()
    versions = f"{scripts}:versions" if resource else str(Path(scripts) / "versions")
    config.set_main_option("path_separator", "newline")
    locations = f"{MESSAGING_VERSIONS}\n{versions}"
    config.set_main_option("version_locations", locations.replace("%", "%%"))
    # '%' is ConfigParser interpolation syntax; passwords may contain it.
    config.set_main_option("sqlalchemy.url", sync_url(database_url).replace("%", "%%"))
    config.set_main_option(_SCHEMA_OPTION, schema)
    return config


def upgrade(
    schema: str,
    database_url: str,
    revision: str = "head",
    *,
    script_location: str | Path | None = None,
) -> None:
    """Migrate a context's schema up to `revision` (creating the schema if needed)."""
    command.upgrade(alembic_config(schema, database_url, script_location=script_location), revision)


def downgrade(
    schema: str,
    database_url: str,
    revision: str,
    *,
    script_location: str | Path | None = None,
) -> None:
    """Migrate a context's schema down to `revision` (`base` removes every table)."""
    config = alembic_config(schema, database_url, script_location=script_location)
    command.downgrade(config, revision)


def run_env(target_metadata: MetaData | None = None) -> None:
    """The body of a context's `env.py`: online or offline (`--sql`) migration of its schema.

    The version table lives in the context's schema, so contexts sharing one database never
    see each other's revisions.
    """
    config = context.config
    schema = config.get_main_option(_SCHEMA_OPTION)
    if not schema:
        raise RuntimeError(f"alembic config lacks {_SCHEMA_OPTION}; use shop.common.migrations")
    options: dict[str, Any] = {
        "target_metadata": target_metadata,
        "version_table_schema": schema,
        "version_table": VERSION_TABLE,
        "include_schemas": True,
        "include_name": _only_schema(schema),
    }
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **options
        )
        with context.begin_transaction():
            context.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("alembic config lacks sqlalchemy.url")
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            _run_online(connection, schema, options)
    finally:
        engine.dispose()


def _run_online(connection: Connection, schema: str, options: dict[str, Any]) -> None:
    # Only when missing: a context's own role may not create schemas (ADR 0053), and
    # PostgreSQL checks that before it finds the schema exists.
    exists = connection.execute(
        text("SELECT 1 FROM pg_namespace WHERE nspname = :schema"), {"schema": schema}
    ).first()
    if exists is None:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    connection.commit()
    context.configure(connection=connection, **options)
    with context.begin_transaction():
        context.run_migrations()


def _only_schema(schema: str) -> Any:
    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        return type_ != "schema" or name == schema

    return include_name


def migration_schema() -> str:
    """In a revision: the schema being migrated (set by `alembic_config`, i.e. `shop migrate`)."""
    schema = context.config.get_main_option(_SCHEMA_OPTION)
    if not schema:
        raise RuntimeError("run through `shop migrate <context>`: the schema is not set")
    return schema


def create_messaging_tables(schema: str) -> None:
    """In a revision's `upgrade()`: create `<schema>.outbox` (+ NOTIFY trigger) and the inbox."""
    for statement in create_messaging_sql(schema):
        op.execute(statement)


def drop_messaging_tables(schema: str) -> None:
    """In a revision's `downgrade()`: drop what `create_messaging_tables` created."""
    for statement in drop_messaging_sql(schema):
        op.execute(statement)


def scaffold(target_dir: Path) -> None:
    """Create a context's migrations folder from the template (refuses to overwrite)."""
    if target_dir.exists() and any(target_dir.iterdir()):
        raise FileExistsError(f"{target_dir} already exists and is not empty")
    shutil.copytree(
        TEMPLATE_DIR, target_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
    )
    (target_dir / "versions").mkdir(exist_ok=True)  # the context's own revisions
