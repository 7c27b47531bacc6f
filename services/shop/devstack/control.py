"""The supervisor's loopback control API: status, and stop/start/restart of one process.

GET  /status                              processes, APIs, orders per second
POST /processes/{name}/stop               stop and leave stopped
POST /processes/{name}/start   {"env": {...}}   start (variables override from now on)
POST /processes/{name}/restart {"env": {...}}   stop, then start
"""

from __future__ import annotations

import re
import socket
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

import uvicorn
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field, field_validator

from shop.devstack.supervisor import Supervisor

ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


class ProcessRequest(BaseModel):
    env: dict[str, str] | None = Field(
        None,
        description="Variables for this process from now on (replacing earlier overrides)",
        examples=[{"SHOP_PAYMENT_GATEWAY_FAILURE_RATE": "0.3"}],
    )

    @field_validator("env")
    @classmethod
    def _names(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        bad = [name for name in value or {} if not ENV_NAME.match(name)]
        if bad:
            raise ValueError(f"not environment variable names: {', '.join(bad)}")
        return value


def create_control_app(
    supervisor: Supervisor,
    status: Callable[[], dict[str, Any]],
    refresh: Callable[[], Awaitable[None]] | None = None,
) -> FastAPI:
    """The API over `supervisor`; `/status` serves `status()`, after awaiting `refresh()`
    (fresh order counts) if given."""
    app = FastAPI(title="shop up control", docs_url="/docs")

    def require(name: str) -> None:
        if name not in supervisor.specs:
            known = ", ".join(supervisor.specs)
            raise HTTPException(404, f"no process named {name!r}; known: {known}")

    def one(name: str) -> dict[str, Any]:
        return next(asdict(row) for row in supervisor.status() if row.name == name)

    @app.get("/status")
    async def get_status() -> dict[str, Any]:
        if refresh is not None:
            await refresh()
        return status()

    @app.post("/processes/{name}/stop")
    async def stop(name: str) -> dict[str, Any]:
        require(name)
        await supervisor.stop(name)
        return one(name)

    @app.post("/processes/{name}/start")
    async def start(name: str, body: ProcessRequest | None = None) -> dict[str, Any]:
        require(name)
        supervisor.start(name, body.env if body else None)
        return one(name)

    @app.post("/processes/{name}/restart")
    async def restart(name: str, body: ProcessRequest | None = None) -> dict[str, Any]:
        require(name)
        await supervisor.restart(name, body.env if body else None)
        return one(name)

    return app


class _QuietServer(uvicorn.Server):
    """Uvicorn without its own signal handlers: the stack's runner owns Ctrl-C."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def control_server(app: FastAPI) -> tuple[_QuietServer, socket.socket]:
    """A server for `app` and the loopback socket (on a free port) it will serve."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
    return _QuietServer(config), sock
