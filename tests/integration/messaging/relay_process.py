"""The relay as a real subprocess (`python -m shop.cli run <schema>-relay`), as in production."""

from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path

import httpx

from localinfra.process import ManagedProcess
from shop.devstack.ports import free_port

_ACTIVE = re.compile(
    r'^shop_outbox_relay_active\{schema="(?P<schema>[^"]+)"\} (?P<value>\S+)$', re.MULTILINE
)


class RelayProcess:
    """One relay instance with its own metrics port and log file."""

    def __init__(
        self,
        name: str,
        *,
        schema: str,
        database_url: str,
        bootstrap: str,
        workdir: Path,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.schema = schema
        env = {
            "SHOP_DATABASE_URL": database_url,
            "SHOP_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "SHOP_HTTP_HOST": "127.0.0.1",
            "SHOP_HTTP_PORT": str(self.port),
            "SHOP_LOG_JSON": "false",
            "SHOP_RELAY_POLL_INTERVAL_SECONDS": "0.5",
            "SHOP_RELAY_STANDBY_RETRY_SECONDS": "0.5",
            "SHOP_RELAY_BACKLOG_INTERVAL_SECONDS": "0.5",
            "OTEL_SDK_DISABLED": "true",
            **(extra_env or {}),
        }
        self.process = ManagedProcess(
            name,
            [sys.executable, "-m", "shop.cli", "run", f"{schema}-relay"],
            workdir / f"{name}.log",
            env=env,
            cwd=workdir,
        )

    def start(self) -> RelayProcess:
        self.process.start()
        self.process.wait_ready(
            lambda: self.active() is not None, timeout=60, what="serving /metrics"
        )
        return self

    def active(self) -> bool | None:
        """Whether it holds the schema's relay lock; None while /metrics does not answer."""
        try:
            response = httpx.get(f"http://127.0.0.1:{self.port}/metrics", timeout=1)
        except httpx.HTTPError:
            return None
        for match in _ACTIVE.finditer(response.text):
            if match["schema"] == self.schema:
                return float(match["value"]) == 1.0
        return None

    def log(self) -> str:
        return self.process.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no graceful anything."""
        pid = self.process.pid
        if pid is not None and self.process.running():
            os.kill(pid, signal.SIGKILL)
        self.process.stop(timeout=10)

    def stop(self) -> None:
        self.process.stop(timeout=20)
