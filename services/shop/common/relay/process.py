"""`shop run <context>-relay`: the relay as a worker process with /livez, /readyz, /metrics."""

from __future__ import annotations

import functools

from shop.common.graceful import run_until_cancelled
from shop.common.metrics_http import new_registry
from shop.common.process import ProcessContext
from shop.common.relay.metrics import RelayMetrics
from shop.common.relay.options import RelaySettings
from shop.common.relay.runner import OutboxRelay
from shop.common.worker import run_worker


def run_relay_process(schema: str) -> int:
    """Run the relay of `schema` until SIGTERM; returns the exit code."""
    settings = RelaySettings(service_name=f"shop-{schema.replace('_', '-')}-relay")
    registry = new_registry()
    relay = OutboxRelay(
        schema=schema,
        dsn=settings.asyncpg_dsn(),
        bootstrap_servers=settings.kafka_bootstrap_servers,
        metrics=RelayMetrics(registry, schema),
        options=settings.options(),
    )

    async def relay_task(process: ProcessContext) -> None:
        await run_until_cancelled(relay.run)

    return run_worker(
        settings=settings,
        registry=registry,
        tasks={"outbox-relay": functools.partial(relay_task)},
    )
