"""A PostgreSQL URL over the server's Unix socket instead of TCP (the local stack, ADR 0058).

The socket form keeps the URL's user, password and database and names the socket's directory
and the server's port in the query, `postgresql+asyncpg://user:pw@/db?host=/dir&port=5432`:
SQLAlchemy's asyncpg and psycopg dialects, asyncpg's own DSN parser and libpq all connect to
`/dir/.s.PGSQL.5432` from it. A URL without a `host` in its query is TCP, as before.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url

SOCKET_PATH_LIMIT = 107
"""Bytes of a Unix socket's path the kernel accepts (`sun_path` is 108 with its NUL, Linux)."""
DEFAULT_PORT = 5432


def socket_file(directory: Path, port: int) -> Path:
    """The socket a server on `port` listens on in `directory` (`unix_socket_directories`)."""
    return directory / f".s.PGSQL.{port}"


def socket_path_fits(directory: Path, port: int) -> bool:
    """Whether the socket's path is short enough to connect to."""
    return len(str(socket_file(directory, port)).encode()) <= SOCKET_PATH_LIMIT


def over_unix_socket(database_url: str, directory: Path) -> str:
    """`database_url` (a TCP URL) as the same server and database over its Unix socket in
    `directory`; a `ValueError` if `directory` is not absolute or its socket's path too long."""
    url = make_url(database_url)
    port = url.port or DEFAULT_PORT
    if not directory.is_absolute():
        raise ValueError(f"the socket directory must be an absolute path, not {directory}")
    if not socket_path_fits(directory, port):
        raise ValueError(
            f"{socket_file(directory, port)} is longer than a Unix socket's "
            f"{SOCKET_PATH_LIMIT} bytes"
        )
    over_socket = URL.create(
        url.drivername,
        username=url.username,
        password=url.password,
        database=url.database,
        query={**url.query, "host": str(directory), "port": str(port)},
    )  # no host or port before the database: asyncpg would take them over the query's
    return over_socket.render_as_string(hide_password=False)


def server_address(url: URL) -> tuple[str | None, int | None]:
    """Where `url` connects, as libpq's `host` and `port` parameters: its socket directory and
    port from the query, or its host and port (TCP)."""
    host = url.query.get("host", url.host)
    port = url.query.get("port", url.port)
    if isinstance(host, tuple) or isinstance(port, tuple):
        raise ValueError("one host and one port: several are not supported here")
    return host, int(port) if port is not None else None
