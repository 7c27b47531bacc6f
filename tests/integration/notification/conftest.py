"""Notification integration fixtures: a migrated database, and a real HTTP peer on loopback
that plays the webhook receiver and the ordering API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, HTTPException, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from integration.context_db import migrated_engine
from localinfra.postgres import PostgresServer
from shop.devstack.ports import free_port
from support.polling import wait_until_async


@pytest.fixture
async def notification_engine(postgres: PostgresServer) -> AsyncIterator[AsyncEngine]:
    async with migrated_engine(postgres, "notification") as engine:
        yield engine


@dataclass
class Peer:
    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures_left: int = 0
    lookup_authorizations: list[str] = field(default_factory=list)


@pytest.fixture
async def peer() -> AsyncIterator[Peer]:
    port = free_port()
    state = Peer(f"http://127.0.0.1:{port}")
    app = FastAPI()

    @app.post("/hook")
    async def hook(message: dict[str, Any]) -> dict[str, str]:
        if state.failures_left > 0:
            state.failures_left -= 1
            raise HTTPException(503, "busy")
        state.received.append(message)
        return {"status": "ok"}

    @app.get("/orders/{order_id}")
    async def order(order_id: str, request: Request) -> dict[str, Any]:
        state.lookup_authorizations.append(request.headers.get("authorization", ""))
        if order_id not in state.orders:
            raise HTTPException(404)
        return state.orders[order_id]

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return bool(server.started)

    await wait_until_async(started, within=10, what="the HTTP peer to listen", interval=0.01)
    yield state
    server.should_exit = True
    await task
