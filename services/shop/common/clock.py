"""The wall clock handlers read: a dependency (`Clock`), so that tests pass a clock they move."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware."""


def utc_now() -> datetime:
    """The current time in UTC: every context's default clock."""
    return datetime.now(UTC)
