"""`shop up`: prepare the infrastructure, start every process under the supervisor, seed the
demo catalog, serve the control API and the status view, and stop it all on request."""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx

from shop.common.auth.token_client import TokenRequestError
from shop.devstack.control import control_server, create_control_app
from shop.devstack.errors import DevstackError
from shop.devstack.order_watch import OrderWatch
from shop.devstack.plan import Kind, missing_entrypoints, plan_processes, process_env
from shop.devstack.ports import free_port
from shop.devstack.prepare import prepare
from shop.devstack.roles import context_urls, migration_env
from shop.devstack.scrape_targets import write_file_sd
from shop.devstack.seed import seed_catalog
from shop.devstack.settings import UpSettings
from shop.devstack.state_file import StackState, default_state_file, remove_state, write_state
from shop.devstack.supervisor import Supervisor

log = logging.getLogger(__name__)


def shared_env(settings: UpSettings) -> dict[str, str]:
    """Variables every process (and migration) gets; the database URL is each context's own."""
    env = {
        "SHOP_ENVIRONMENT": "development",
        "SHOP_KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "SHOP_LOG_JSON": os.environ.get("SHOP_LOG_JSON", "false"),
        "PYTHONUNBUFFERED": "1",
    }
    exporting = settings.env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    if not (exporting or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")):
        env["OTEL_SDK_DISABLED"] = "true"
    if settings.payment_failure_rate is not None:
        env["SHOP_PAYMENT_GATEWAY_FAILURE_RATE"] = str(settings.payment_failure_rate)
    if settings.identity is not None:
        env |= settings.identity.api_env() | settings.identity.notification_env()
    return {**env, **settings.env}


class ShopStack:
    """A shop being run: its supervisor, where its APIs listen, and what it is doing."""

    def __init__(self, settings: UpSettings, workdir: Path) -> None:
        if missing := missing_entrypoints(settings.contexts):
            lacking = "; ".join(f"{c}: {', '.join(m)}" for c, m in missing.items())
            raise DevstackError(f"contexts not runnable yet ({lacking})")
        self.settings = settings
        self.workdir = workdir
        self.log_dir = workdir / "logs"
        self.specs = plan_processes(
            settings.contexts,
            settings.outbox,
            free_port,
            storefront=settings.web_dist is not None,
            layout=settings.layout,
        )
        self.apis = {spec.context: spec.url for spec in self.specs if spec.kind is Kind.API}
        self.storefront_url = next((s.url for s in self.specs if s.kind is Kind.WEB), None)
        self.public_storefront_url = (
            settings.identity.gateway_url
            if settings.identity and self.storefront_url
            else self.storefront_url
        )
        self.env = shared_env(settings)
        self.database_urls = context_urls(settings.processes_database_url(), settings.contexts)
        per_process = {
            s.name: {**self.env, **self._database_env(s.context), **process_env(s, self.apis)}
            for s in self.specs
        }
        if settings.web_dist is not None:
            web = per_process["storefront-web"]
            web["SHOP_STOREFRONT_DIST_DIR"] = str(settings.web_dist)
            if settings.identity is not None:
                web |= settings.identity.storefront_env()
        self.supervisor = Supervisor(self.specs, per_process, self.log_dir)
        if settings.scrape_targets_file is not None:
            write_file_sd(settings.scrape_targets_file, self.specs)
        self.phase = "starting"
        self.steps: list[str] = []
        self.seeded: int | None = None
        worker = next((s.url for s in self.specs if s.runs("ordering", Kind.WORKER)), None)
        self.orders = OrderWatch(worker)

    def _database_env(self, context: str) -> dict[str, str]:
        """The context's own database URL (the web app's server has none)."""
        url = self.database_urls.get(context)
        return {"SHOP_DATABASE_URL": url} if url else {}

    def migration_envs(self) -> dict[str, dict[str, str]]:
        """Each context's migration: its own URL, and the administrator's to prepare its role."""
        return {
            context: migration_env(self.env, self.settings.processes_database_url(), url)
            for context, url in self.database_urls.items()
        }

    def status(self) -> dict[str, Any]:
        self.orders.asked()
        counts = self.orders.rate.latest
        return {
            "phase": self.phase,
            "ready": self.phase == "running" and self.supervisor.ready(),
            "outbox": self.settings.outbox.value,
            "workdir": str(self.workdir),
            "steps": list(self.steps),
            "apis": self.apis,
            "front_door": self.settings.identity.banner() if self.settings.identity else [],
            "storefront": self.public_storefront_url,
            "backends": dict(self.settings.backends),
            "seeded_products": self.seeded,
            "processes": [asdict(row) for row in self.supervisor.status()],
            "orders": {
                "placed": counts.placed,
                "confirmed": counts.confirmed,
                "cancelled": counts.cancelled,
                "per_second": round(self.orders.rate.per_second(), 2),
            },
        }

    async def bring_up(self) -> None:
        self.phase = "preparing"
        if self.settings.database_socket_dir is not None:
            self.steps.append(
                f"database: over its Unix socket in {self.settings.database_socket_dir}"
            )
        self.steps += await prepare(self.settings, self.migration_envs(), self.log_dir)
        self.phase = "starting processes"
        self.supervisor.start_all()
        not_ready = await self.supervisor.wait_ready(self.settings.ready_timeout_seconds)
        if not_ready:
            self.steps.append(f"not ready after the timeout: {', '.join(not_ready)}")
        if self.settings.seed and "catalog" in self.apis and self._catalog_api() not in not_ready:
            try:
                self.seeded = await seed_catalog(self.apis["catalog"], self.settings.identity)
            except (httpx.HTTPError, TokenRequestError) as err:
                log.warning("seeding the demo catalog failed: %r", err)
                self.steps.append(f"demo catalog not seeded: {err!r}")
            else:
                self.steps.append(f"demo catalog: {self.seeded} products created")
        self.phase = "running"

    def _catalog_api(self) -> str | None:
        return next((s.name for s in self.specs if s.runs("catalog", Kind.API)), None)


async def run_shop(
    settings: UpSettings,
    stop: asyncio.Event,
    on_started: Callable[[ShopStack], None] | None = None,
) -> None:
    """Run the shop until `stop` is set; everything started is stopped before returning."""
    workdir = settings.workdir or Path(tempfile.mkdtemp(prefix="shop-up-"))
    stack = ShopStack(settings, workdir)
    app = create_control_app(stack.supervisor, stack.status, refresh=stack.orders.refresh)
    server, sock = control_server(app)
    state_path = settings.state_file or default_state_file()
    control = f"http://127.0.0.1:{sock.getsockname()[1]}"
    state = StackState(os.getpid(), control, stack.apis, str(workdir), settings.identity)
    write_state(state_path, state)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    watching = asyncio.create_task(stack.orders.run())
    if on_started is not None:
        on_started(stack)
    work = asyncio.create_task(stack.bring_up())
    stopped = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({work, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if work.done():
            work.result()  # raises what bring_up raised
            await stopped
    finally:
        stack.phase = "stopping"
        for task in (work, stopped, watching):
            task.cancel()
        await asyncio.gather(work, stopped, watching, return_exceptions=True)
        await stack.supervisor.shutdown()
        server.should_exit = True
        await serving
        sock.close()
        remove_state(state_path, state.pid)
        stack.phase = "stopped"
