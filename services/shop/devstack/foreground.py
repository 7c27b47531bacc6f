"""`shop up` in the foreground: the shop until Ctrl-C or SIGTERM, with its live status."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import uvloop

from shop.devstack.errors import DevstackError
from shop.devstack.runner import ShopStack, run_shop
from shop.devstack.settings import UpSettings
from shop.devstack.status_view import render, show_status

log = logging.getLogger(__name__)


async def _run(
    settings: UpSettings,
    out: TextIO,
    live_status: bool,
    announce: Callable[[ShopStack], None] | None,
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    viewer: asyncio.Task[None] | None = None
    started: list[ShopStack] = []

    def on_started(stack: ShopStack) -> None:
        nonlocal viewer
        started.append(stack)
        if announce is not None:
            announce(stack)
        _log_to(stack.log_dir / "shop-up.log", echo=not live_status)
        if live_status:
            viewer = asyncio.create_task(show_status(stack.status, out))

    try:
        await run_shop(settings, stop, on_started)
    finally:
        if viewer is not None:
            viewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await viewer
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        if started:
            out.write(render(started[0].status(), colour=out.isatty()))
            out.write(f"stopped everything; logs kept in {Path(started[0].workdir) / 'logs'}\n")
            out.flush()


def _log_to(path: Path, echo: bool) -> None:
    """The supervisor's own log: to a file, and to stderr unless the live view owns the screen."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    if echo:
        console = logging.StreamHandler()
        console.setLevel(logging.WARNING)
        root.addHandler(console)


def run_foreground(
    settings: UpSettings,
    out: TextIO,
    live_status: bool = True,
    announce: Callable[[ShopStack], None] | None = None,
) -> int:
    """Run the shop until a signal; 0 after a clean stop, 1 if it could not start.

    `announce` learns where the APIs will listen before they start (the gateway's routes).
    """
    try:
        uvloop.run(_run(settings, out, live_status, announce))
    except DevstackError as err:
        out.write(f"shop up: {err}\n")
        return 1
    return 0
