"""Which exceptions mean "a dependency is down" rather than "the code is wrong".

An API answers those with 503 and `Retry-After` (`shop.common.unhandled_errors`) instead of
a 500: the request may well succeed once the database or the broker is back, and the pool
reconnects by itself (a closed connection is refused at checkout, `shop.common.db_pool`; one
left mid-answer is dropped at its first statement, `connection_broken`). The whole exception
chain is searched, since SQLAlchemy wraps asyncpg's errors, which may wrap the socket's.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from types import TracebackType

import asyncpg  # type: ignore[import-untyped]
from aiokafka import errors as kafka_errors
from sqlalchemy import exc as sa_exc

DATABASE_OUTAGES: tuple[type[BaseException], ...] = (
    sa_exc.TimeoutError,  # no pooled connection came free in time
    asyncpg.PostgresConnectionError,  # SQLSTATE class 08
    asyncpg.exceptions.OperatorInterventionError,  # 57: terminated, shutting down, starting up
    asyncpg.exceptions.InsufficientResourcesError,  # 53: too many connections, disk full
    asyncpg.exceptions.ConnectionDoesNotExistError,  # the connection died mid-query
)
KAFKA_OUTAGES: tuple[type[BaseException], ...] = (
    kafka_errors.KafkaConnectionError,
    kafka_errors.KafkaTimeoutError,
    kafka_errors.NodeNotReadyError,
    kafka_errors.RequestTimedOutError,
)
NETWORK_FAILURES: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError, socket.gaierror)
SOCKET_GONE: tuple[type[BaseException], ...] = (FileNotFoundError,)
"""Connecting to a Unix socket whose file is missing: PostgreSQL removes its socket as it stops
(the local stack connects over it, ADR 0058); a database outage when it rose through a client."""
_CLIENT_MODULES = (("asyncpg", "database"), ("sqlalchemy", "database"), ("aiokafka", "kafka"))


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, then what caused it (`__cause__`, `__context__`, a DBAPI error's `orig`)."""
    pending, seen = [exc], set()
    while pending:
        link = pending.pop(0)
        if id(link) in seen:
            continue
        seen.add(id(link))
        yield link
        origin = getattr(link, "orig", None)
        pending += [e for e in (origin, link.__cause__, link.__context__) if e is not None]


def _is_lost_database_connection(exc: BaseException) -> bool:
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, asyncpg.InterfaceError) and "connection is closed" in str(exc)


def connection_broken(exc: BaseException) -> bool:
    """Whether the connection a statement raised `exc` on must not run another one.

    Besides a lost connection, asyncpg's `InternalClientError` ("another operation is in
    progress"): the connection still waits for the end of an answer that will never come,
    as when the database terminated its backend between two statements.
    """
    chain = list(exception_chain(exc))
    return any(isinstance(link, asyncpg.InternalClientError) for link in chain) or (
        unavailable_dependency(exc) == "database"
    )


def _client_of(traceback: TracebackType | None) -> str:
    """Which client library a network error rose through (its innermost frame wins)."""
    found = "dependency"
    while traceback is not None:
        module = str(traceback.tb_frame.f_globals.get("__name__", ""))
        for prefix, dependency in _CLIENT_MODULES:
            if module == prefix or module.startswith(f"{prefix}."):
                found = dependency
        traceback = traceback.tb_next
    return found


def unavailable_dependency(exc: BaseException) -> str | None:
    """`"database"`, `"kafka"` or `"dependency"` if `exc` means one is unreachable, else None."""
    chain = list(exception_chain(exc))
    for link in chain:
        if isinstance(link, DATABASE_OUTAGES) or _is_lost_database_connection(link):
            return "database"
        if isinstance(link, KAFKA_OUTAGES):
            return "kafka"
    for link in chain:
        if isinstance(link, NETWORK_FAILURES):
            return _client_of(link.__traceback__)
        if isinstance(link, SOCKET_GONE) and _client_of(link.__traceback__) == "database":
            return "database"
    return None
