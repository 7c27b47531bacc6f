"""The faults the chaos suite injects into a running shop, and how long the shop took to recover.

A fault runs in a thread (the servers' own start and stop block) while the order load goes on.
Recovery is measured from the end of the fault until every supervised process is ready again
and a probe order has gone all the way through the saga.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx

from chaos.load import ChaosShopper
from infra.fixtures_identity import Buyers
from localinfra.connect import KafkaConnect
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from support.polling import wait_until, wait_until_async

DOWNTIME_SECONDS = 3.0  # how long a stopped server stays down before it is started again
CONSUMER_SESSION_TIMEOUT_SECONDS = 10.0  # aiokafka's default session.timeout.ms
PAUSE_SECONDS = CONSUMER_SESSION_TIMEOUT_SECONDS + 5
RECOVERY_DEADLINE_SECONDS = 240.0


@dataclass
class ChaosStack:
    """The servers a chaos module owns, and its running `shop up`."""

    postgres: PostgresServer
    kafka: KafkaBroker
    connect: KafkaConnect | None
    database: str
    control_url: str
    apis: dict[str, str]
    http: httpx.AsyncClient
    buyers: Buyers

    async def processes(self) -> list[dict[str, Any]]:
        status = (await self.http.get(f"{self.control_url}/status")).json()
        found: list[dict[str, Any]] = status["processes"]
        return found

    async def all_ready(self) -> bool:
        try:
            status = (await self.http.get(f"{self.control_url}/status")).json()
        except httpx.HTTPError:
            return False
        return bool(status["ready"])


@dataclass(frozen=True)
class Fault:
    """One fault: what it does, to which component, and `inject(stack)` returning the target."""

    name: str
    inject: Callable[[ChaosStack, random.Random], str]


@dataclass(frozen=True)
class FaultOutcome:
    name: str
    target: str
    fault_seconds: float
    recovery_seconds: float


def sigkill_one_of_each(kinds: tuple[str, ...]) -> Fault:
    """SIGKILL a random supervised process of each kind (api, worker, relay) at once."""

    def inject(stack: ChaosStack, rng: random.Random) -> str:
        status = httpx.get(f"{stack.control_url}/status", timeout=10).json()
        victims = [
            rng.choice([p for p in status["processes"] if p["kind"] == kind and p["pid"]])
            for kind in kinds
        ]
        for victim in victims:
            os.kill(victim["pid"], signal.SIGKILL)

        def noticed() -> bool:  # the fault lasts until the supervisor has seen every death
            now = {
                p["name"]: p
                for p in httpx.get(f"{stack.control_url}/status", timeout=10).json()["processes"]
            }
            return all(
                now[v["name"]]["pid"] != v["pid"] or now[v["name"]]["state"] != "ready"
                for v in victims
            )

        wait_until(noticed, within=30, what="the deaths noticed", interval=0.2)
        return ", ".join(str(victim["name"]) for victim in victims)

    return Fault(f"SIGKILL a random {', '.join(kinds)}", inject)


def _restart_broker(stack: ChaosStack, _: random.Random) -> str:
    stack.kafka.kill()
    time.sleep(DOWNTIME_SECONDS)
    stack.kafka.start()
    return "kafka (same data directory)"


def _restart_postgres(stack: ChaosStack, _: random.Random) -> str:
    stack.postgres.stop_immediately()
    time.sleep(DOWNTIME_SECONDS)
    stack.postgres.start()
    return "postgres (immediate shutdown)"


def _terminate_backends(stack: ChaosStack, _: random.Random) -> str:
    terminated = stack.postgres.terminate_backends(stack.database)
    return f"postgres ({terminated} backends)"


def _pause_broker(stack: ChaosStack, _: random.Random) -> str:
    stack.kafka.signal(signal.SIGSTOP)
    try:
        time.sleep(PAUSE_SECONDS)
    finally:
        stack.kafka.signal(signal.SIGCONT)
    return f"kafka ({PAUSE_SECONDS:.0f} s > session timeout)"


def _kill_connect(stack: ChaosStack, _: random.Random) -> str:
    assert stack.connect is not None, "the Connect worker exists in Debezium mode only"
    stack.connect.kill()
    stack.connect.start()
    return "kafka-connect (restarted)"


KILL_BROKER = Fault("kill -9 the broker, restart it", _restart_broker)
RESTART_POSTGRES = Fault("PostgreSQL immediate shutdown, restart", _restart_postgres)
TERMINATE_BACKENDS = Fault("terminate PostgreSQL backends", _terminate_backends)
PAUSE_BROKER = Fault("SIGSTOP/SIGCONT the broker", _pause_broker)
KILL_CONNECT = Fault("kill -9 the Connect worker, restart it", _kill_connect)


async def inject(
    fault: Fault, stack: ChaosStack, shopper: ChaosShopper, probe: UUID, rng: random.Random
) -> FaultOutcome:
    """Inject `fault` under the running load; return once the shop has recovered."""
    started = time.monotonic()
    target = await asyncio.to_thread(fault.inject, stack, rng)
    ended = time.monotonic()
    await wait_until_async(
        stack.all_ready,
        within=RECOVERY_DEADLINE_SECONDS,
        what=f"every process ready after {fault.name}",
        interval=0.5,
    )
    await shopper.settled(await shopper.place(probe, 1))
    return FaultOutcome(fault.name, target, ended - started, time.monotonic() - ended)
