"""A worker's background job as rounds of work: `run_rounds`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def run_rounds(
    round_: Callable[[], Awaitable[int]], *, batch_size: int, interval: float, what: str
) -> None:
    """Run `round_` forever. A round that did a whole batch (it returns how many items it
    handled) is followed by the next at once, any other after `interval` seconds; a failed
    round is logged and tried again after `interval`."""
    while True:
        try:
            done = await round_()
        except Exception:
            log.exception("%s round failed; retrying in %.1fs", what, interval)
            done = 0
        if done:
            log.debug("%s round handled %d", what, done)
        if done < batch_size:
            await asyncio.sleep(interval)
