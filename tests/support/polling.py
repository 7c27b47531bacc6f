"""Poll until a condition holds, never sleeping a fixed time: the test suite's one polling helper.

`wait_until` and `wait_until_async` call `probe` every `interval` seconds until it returns a
truthy value (or, with `holds`, a value that `holds` accepts), and return that value. After
`within` seconds they fail the test naming `what` and the last value (or exception) seen.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


class _Deadline:
    def __init__(self, within: float, what: str) -> None:
        self.within, self.what = within, what
        self.at = time.monotonic() + within
        self.last: Any = None

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise AssertionError(f"not {self.what} within {self.within:.0f}s; last: {self.last!r}")


def wait_until(
    probe: Callable[[], T],
    *,
    within: float,
    what: str,
    holds: Callable[[T], object] = bool,
    interval: float = 0.1,
    ignoring: tuple[type[BaseException], ...] = (),
) -> T:
    """`probe()` once it holds (exceptions in `ignoring` count as not yet)."""
    deadline = _Deadline(within, what)
    while True:
        try:
            deadline.last = value = probe()
            if holds(value):
                return value
        except ignoring as err:
            deadline.last = err
        deadline.check()
        time.sleep(interval)


async def wait_until_async(
    probe: Callable[[], Awaitable[T]],
    *,
    within: float,
    what: str,
    holds: Callable[[T], object] = bool,
    interval: float = 0.1,
) -> T:
    """`await probe()` once it holds."""
    deadline = _Deadline(within, what)
    while True:
        deadline.last = value = await probe()
        if holds(value):
            return value
        deadline.check()
        await asyncio.sleep(interval)
