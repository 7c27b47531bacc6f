"""Repository statements as plain SQL on the unit of work's asyncpg connection (docs/adr/0056).

A repository writes its statements with SQLAlchemy Core against the context's tables (the
tables the migrations are checked against) and builds each one once, at import, as a
`PlainSql`: the text PostgreSQL receives (`$1`, `$2`, ... with the casts SQLAlchemy's asyncpg
dialect renders), the names of its parameters in that order, the values of the literals it
binds and the bind processors of the types that have one (JSON, arrays, booleans). Running it
is one asyncpg call with positional arguments, prepared once per connection by asyncpg's
statement cache: no statement compilation, cache key, execution context or result object per
call. Rows come back as asyncpg `Record`s (by column name or position); JSON columns arrive
decoded (SQLAlchemy's pool registers the codecs on each connection).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import Table, bindparam
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

_DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]
_NO_PARAMETERS: Mapping[str, Any] = {}


class PlainSql:
    """One Core statement compiled once for PostgreSQL, run with named parameters."""

    def __init__(self, statement: ClauseElement) -> None:
        compiled = statement.compile(dialect=_DIALECT)
        if not isinstance(compiled, SQLCompiler):
            raise TypeError(f"not a SQL statement: {statement!r}")
        if "POSTCOMPILE" in compiled.string:
            raise ValueError("expanding parameters (IN lists) cannot be prebuilt: use = ANY(array)")
        names = tuple(compiled.positiontup or ())
        self.sql: str = compiled.string
        self.names = names
        self._literals = {
            name: value for name, value in compiled.params.items() if value is not None
        }
        self._processors: tuple[Callable[[Any], Any] | None, ...] = tuple(
            compiled.binds[name].type.dialect_impl(_DIALECT).bind_processor(_DIALECT)
            for name in names
        )

    def arguments(self, parameters: Mapping[str, Any]) -> list[Any]:
        """The positional arguments of `parameters` (a literal's value where none is named;
        `KeyError` for a parameter left out)."""
        arguments = []
        for name, process in zip(self.names, self._processors, strict=True):
            value = parameters[name] if name in parameters else self._literals[name]
            arguments.append(value if process is None else process(value))
        return arguments

    async def execute(
        self, connection: asyncpg.Connection, parameters: Mapping[str, Any] = _NO_PARAMETERS
    ) -> str:
        """Run it; PostgreSQL's status (`UPDATE 1`, ...)."""
        status: str = await connection.execute(self.sql, *self.arguments(parameters))
        return status

    async def fetch(
        self, connection: asyncpg.Connection, parameters: Mapping[str, Any] = _NO_PARAMETERS
    ) -> list[asyncpg.Record]:
        """Every row."""
        rows: list[asyncpg.Record] = await connection.fetch(self.sql, *self.arguments(parameters))
        return rows

    async def fetchrow(
        self, connection: asyncpg.Connection, parameters: Mapping[str, Any] = _NO_PARAMETERS
    ) -> asyncpg.Record | None:
        """The first row, or None."""
        return await connection.fetchrow(self.sql, *self.arguments(parameters))

    async def fetchval(
        self, connection: asyncpg.Connection, parameters: Mapping[str, Any] = _NO_PARAMETERS
    ) -> Any:
        """The first row's first column, or None."""
        return await connection.fetchval(self.sql, *self.arguments(parameters))


def bound(table: Table, *names: str) -> dict[str, Any]:
    """`name: bindparam(name)` for each column named, typed as the column (an insert's or an
    update's values, run with the columns as parameters)."""
    return {name: bindparam(name, type_=table.c[name].type) for name in names}
