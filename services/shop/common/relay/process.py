"""`shop run <context>-relay`: the relay as a worker process with /livez, /readyz, /metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from shop.common.graceful import run_until_cancelled
from shop.common.metrics_http import new_registry
from shop.common.process import ProcessContext
from shop.common.relay.metrics import RelayMetrics
from shop.common.relay.options import RelaySettings
from shop.common.relay.runner import OutboxRelay
from shop.common.worker import WorkerTask, run_worker


def relay_settings(schema: str) -> RelaySettings:
    """The relay's settings, from `SHOP_RELAY_*` (falling back to `SHOP_*`)."""
    return RelaySettings(service_name=f"shop-{schema.replace('_', '-')}-relay")


def relay_task(schema: str, settings: RelaySettings, registry: CollectorRegistry) -> WorkerTask:
    """The relay of `schema` as a worker task (until cancelled); metrics go to `registry`."""
    relay = OutboxRelay(
        schema=schema,
        dsn=settings.asyncpg_dsn(),
        bootstrap_servers=settings.kafka_bootstrap_servers,
        metrics=RelayMetrics(registry, schema),
        options=settings.options(),
    )

    async def run(process: ProcessContext) -> None:
        await run_until_cancelled(relay.run)

    return run


def run_relay_process(schema: str) -> int:
    """Run the relay of `schema` until SIGTERM; returns the exit code."""
    settings = relay_settings(schema)
    registry = new_registry()
    return run_worker(
        settings=settings,
        registry=registry,
        tasks={"outbox-relay": relay_task(schema, settings, registry)},
    )
