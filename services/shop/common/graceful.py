"""Bridge from the worker's cancellation-based shutdown to components that stop on an Event.

The worker cancels its background tasks on SIGTERM; a relay or consumer must instead finish the
message in hand, commit and leave its group. `run_until_cancelled` turns the cancellation into
`stop.set()` and waits for that orderly end (within the worker's shutdown deadline).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

StoppableRun = Callable[[asyncio.Event], Awaitable[None]]


async def run_until_cancelled(run: StoppableRun) -> None:
    """Run `run(stop)`; when cancelled, set `stop`, await its return, then re-raise."""
    stop = asyncio.Event()
    task = asyncio.ensure_future(run(stop))
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        stop.set()
        await task
        raise
