"""`run_rounds`: a full batch is followed at once, anything less (or a failure) waits."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Iterator

import pytest

from shop.common.rounds import run_rounds

BATCH = 3
INTERVAL = 0.2


async def _starts(results: Iterator[int | Exception], rounds: int, what: str) -> list[float]:
    """When each of the first `rounds` rounds started, each returning (or raising) the next
    of `results`."""
    loop = asyncio.get_running_loop()
    started: list[float] = []
    enough = asyncio.Event()

    async def round_() -> int:
        started.append(loop.time())
        if len(started) == rounds:
            enough.set()
        result = next(results)
        if isinstance(result, Exception):
            raise result
        return result

    task = asyncio.create_task(run_rounds(round_, batch_size=BATCH, interval=INTERVAL, what=what))
    await asyncio.wait_for(enough.wait(), timeout=5)
    task.cancel()
    return started


async def test_full_batches_run_back_to_back_and_a_short_one_waits_the_interval() -> None:
    started = await _starts(iter([BATCH, BATCH, 1, BATCH]), 4, "test")
    gaps = [later - earlier for earlier, later in itertools.pairwise(started)]
    assert gaps[0] < INTERVAL / 2
    assert gaps[1] < INTERVAL / 2
    assert gaps[2] >= INTERVAL * 0.9


async def test_a_failed_round_is_logged_and_tried_again_after_the_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="shop.common.rounds"):
        started = await _starts(iter([RuntimeError("database away"), 0]), 2, "test job")
    assert started[1] - started[0] >= INTERVAL * 0.9
    assert "test job round failed" in caplog.text
