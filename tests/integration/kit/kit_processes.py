"""Processes built with the kit, run by the tests as real subprocesses.

    python kit_processes.py worker|stubborn|crash|api

Settings come from SHOP_* variables; markers are files written to $KIT_MARKER_DIR.
"""

import asyncio
import os
import sys
from pathlib import Path

from fastapi import APIRouter

from shop.common.app import create_app
from shop.common.process import ProcessContext
from shop.common.server import run_api
from shop.common.settings import ServiceSettings, SettingsError
from shop.common.worker import run_worker

MARKERS = Path(os.environ["KIT_MARKER_DIR"])


def mark(name: str) -> None:
    (MARKERS / name).write_text(str(os.getpid()))


async def consume(process: ProcessContext) -> None:
    """Stands in for a Kafka consumer: runs until cancelled, then cleans up asynchronously."""
    mark("started")
    try:
        await asyncio.Event().wait()
    finally:
        await asyncio.sleep(0.2)  # like consumer.stop(): an awaited, not instant, cleanup
        mark("cleaned-up")


async def overrun_cleanup(process: ProcessContext) -> None:
    mark("started")
    try:
        await asyncio.Event().wait()
    finally:
        await asyncio.sleep(60)


async def crash(process: ProcessContext) -> None:
    raise RuntimeError("poison message")


router = APIRouter()


@router.get("/hello")
async def hello() -> dict[str, str]:
    return {"hello": "world"}


def main(mode: str) -> int:
    try:
        settings = ServiceSettings()
    except SettingsError as err:
        print(err, file=sys.stderr)
        return 2
    if mode == "worker":
        return run_worker(settings=settings, tasks={"consumer": consume})
    if mode == "stubborn":
        return run_worker(settings=settings, tasks={"consumer": overrun_cleanup})
    if mode == "crash":
        return run_worker(settings=settings, tasks={"consumer": crash, "timer": consume})
    if mode == "api":
        return run_api(create_app(title="Kit API", settings=settings, routers=[router]))
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
