"""Which errors are conflicts with a concurrent transaction, applied again at once."""

from __future__ import annotations

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import exc as sa_exc

from shop.common.consumer.processor import conflicted


def _wrapped(error: Exception) -> sa_exc.DBAPIError:
    """`error` as SQLAlchemy raises it from a statement, caused by asyncpg's."""
    try:
        try:
            raise error
        except Exception as inner:
            raise sa_exc.DBAPIError("UPDATE stock", {}, inner) from inner
    except sa_exc.DBAPIError as outer:
        return outer


def test_a_deadlock_and_a_serialization_failure_are_conflicts() -> None:
    for error in (
        asyncpg.exceptions.DeadlockDetectedError("deadlock detected"),
        asyncpg.exceptions.SerializationError("could not serialize access"),
    ):
        assert conflicted(error)
        assert conflicted(_wrapped(error))


def test_other_errors_are_not() -> None:
    for error in (
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        asyncpg.exceptions.LockNotAvailableError("could not obtain lock"),
        RuntimeError("the handler failed"),
    ):
        assert not conflicted(error)
        assert not conflicted(_wrapped(error))
