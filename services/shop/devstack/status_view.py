"""The live status of `shop up` in a terminal: redrawn in place with plain ANSI escapes.

Not a terminal (a pipe, a CI log): a line per change of phase or process state instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TextIO

CLEAR = "\x1b[H\x1b[2J"
GREEN, YELLOW, RED, DIM, RESET = "\x1b[32m", "\x1b[33m", "\x1b[31m", "\x1b[2m", "\x1b[0m"
COLOURS = {"ready": GREEN, "starting": YELLOW, "not ready": YELLOW, "backoff": RED}


def render(status: dict[str, Any], colour: bool = True) -> str:
    """The status as a screen of text."""

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if colour and code else text

    orders = status["orders"]
    lines = [
        f"shop up — {status['phase']}, outbox: {status['outbox']}"
        + (paint("  ALL READY", GREEN) if status["ready"] else ""),
        "",
        *status.get("front_door", []),
        *([""] if status.get("front_door") else []),
        f"{'PROCESS':<22}{'STATE':<11}{'PID':>8}{'RESTARTS':>10}  LISTENS ON",
    ]
    for row in status["processes"]:
        state = f"{row['state']:<11}"
        lines.append(
            f"{row['name']:<22}{paint(state, COLOURS.get(row['state'], DIM))}"
            f"{row['pid'] or '-':>8}{row['restarts']:>10}  {row['url']}"
        )
    lines += [
        "",
        f"orders: {orders['per_second']:.1f}/s finished — placed {orders['placed']:.0f}, "
        f"confirmed {orders['confirmed']:.0f}, cancelled {orders['cancelled']:.0f} "
        "(since the ordering worker started)",
        "",
        *[paint(step, DIM) for step in status["steps"]],
        *([f"storefront: {status['storefront']}/"] if status.get("storefront") else []),
        *[f"{name}: {url}" for name, url in status.get("backends", {}).items()],
        f"logs: {status['workdir']}/logs",
        "try, in another shell: make demo     Ctrl-C stops everything",
    ]
    return "\n".join(lines) + "\n"


def summary(status: dict[str, Any]) -> tuple[str, ...]:
    """What a non-terminal reader is told about: phase and each process's state."""
    return (status["phase"], *(f"{r['name']}={r['state']}" for r in status["processes"]))


async def show_status(
    status: Callable[[], dict[str, Any]], out: TextIO, interval: float = 1.0
) -> None:
    """Redraw (terminal) or report changes (anything else) until cancelled."""
    live = out.isatty()
    last: tuple[str, ...] = ()
    while True:
        current = status()
        if live:
            out.write(CLEAR + render(current))
        else:
            now = summary(current)
            changed = [item for item in now if item not in last]
            if changed:
                out.write("shop up: " + ", ".join(changed) + "\n")
            last = now
        out.flush()
        await asyncio.sleep(interval)
