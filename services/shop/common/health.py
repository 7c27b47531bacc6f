"""Readiness checks (database, Kafka, anything a context adds), run together with a deadline.

A check is an async callable that returns when the dependency answers and raises otherwise.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from aiokafka.client import AIOKafkaClient
from aiokafka.errors import KafkaError
from aiokafka.protocol.metadata import MetadataRequest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

ReadinessCheck = Callable[[], Awaitable[None]]


def database_check(engine: AsyncEngine) -> ReadinessCheck:
    """`SELECT 1` on a pooled connection."""

    async def check_database() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return check_database


class KafkaReadiness:
    """Asks the cluster for its brokers through one client kept for the process's lifetime.

    A Metadata request naming no topics: the broker answers with its brokers only, not every
    topic's partitions (the shop's 19 topics, 57 partitions locally), so the check costs the
    broker and this process next to nothing. The client is created on the first check (inside
    the running loop) and dropped after a failure, so the next check bootstraps again and a
    broker that comes up later, or elsewhere, turns the check green.
    """

    def __init__(self, bootstrap_servers: str, client_id: str, timeout_seconds: float) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.client_id = client_id
        self.timeout_ms = int(timeout_seconds * 1000)
        self._client: AIOKafkaClient | None = None
        self._lock = asyncio.Lock()

    async def __call__(self) -> None:
        async with self._lock:
            if self._client is None:
                client = AIOKafkaClient(
                    bootstrap_servers=self.bootstrap_servers.split(","),
                    client_id=self.client_id,
                    request_timeout_ms=self.timeout_ms,
                )
                try:
                    await client.bootstrap()
                except BaseException:
                    await client.close()
                    raise
                self._client = client
            try:
                brokers = await _brokers(self._client)
            except (KafkaError, OSError, TimeoutError):
                await self._client.close()
                self._client = None
                raise
        if not brokers:
            raise RuntimeError("the cluster reported no brokers")

    async def close(self) -> None:
        """Close the cached client, if one was made."""
        async with self._lock:
            if self._client is not None:
                await self._client.close()
                self._client = None


async def _brokers(client: AIOKafkaClient) -> list[object]:
    """The brokers a Metadata request for no topics lists, asked of any known broker."""
    node = client.get_random_node()
    if node is None:
        raise KafkaError("no broker known to ask")
    response = await client.send(node, MetadataRequest([], allow_auto_topic_creation=False))
    return list(response.brokers)


@dataclass(frozen=True)
class CheckOutcome:
    """How one readiness check went."""

    ok: bool
    duration_ms: float
    error: str | None = None

    def as_json(self) -> dict[str, object]:
        body: dict[str, object] = {
            "status": "ok" if self.ok else "fail",
            "durationMs": round(self.duration_ms, 1),
        }
        if self.error:
            body["error"] = self.error
        return body


def _describe(exc: Exception) -> str:
    message = str(exc)
    name = type(exc).__name__
    return (message if message.startswith(name) else f"{name}: {message}")[:300]


async def _run_one(check: ReadinessCheck, seconds: float) -> CheckOutcome:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(seconds):
            await check()
    except TimeoutError:
        error: str | None = f"no answer within {seconds:g}s"
    except Exception as exc:
        error = _describe(exc)
    else:
        error = None
    return CheckOutcome(error is None, (time.perf_counter() - started) * 1000, error)


async def run_readiness_checks(
    checks: Mapping[str, ReadinessCheck], seconds_each: float
) -> dict[str, CheckOutcome]:
    """Run every check concurrently; each gets `seconds_each` to answer."""
    names = list(checks)
    outcomes = await asyncio.gather(*(_run_one(checks[name], seconds_each) for name in names))
    return dict(zip(names, outcomes, strict=True))
