"""A clock tests set by hand, passed where the code takes a `shop.common.clock.Clock`."""

from __future__ import annotations

from datetime import UTC, datetime


class Clock:
    """Returns `now` until the test moves it (`clock.now += timedelta(...)`)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now
