"""The shop's front door on this machine: Traefik with its file provider.

`Gateway` runs the Traefik that `localinfra.traefik` builds, with one entrypoint on a loopback
port (fixed for `make up`, free in tests) and a watched directory of dynamic configuration;
`publish()` writes the routes of `localinfra.gateway_routes` there and waits until Traefik has
loaded them. Its origin is known before anything behind it runs (Dex's issuer is on it).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from localinfra.errors import InfraError
from localinfra.traefik import TraefikProcess

ROUTES_FILE = "shop.yaml"


class Gateway(TraefikProcess):
    """Traefik serving file-provider routes on `url` (its `web_url`)."""

    name = "gateway"

    def __init__(self, workdir: Path | None = None, *, port: int | None = None) -> None:
        super().__init__(workdir, web_port=port)

    @property
    def url(self) -> str:
        return self.web_url

    @property
    def routes_dir(self) -> Path:
        if self.workdir is None:
            raise InfraError("the gateway has no working directory before it starts")
        return self.workdir / "dynamic"

    def provider_arguments(self) -> list[str]:
        return [
            # SSE streams stay open: no read timeout cuts them at the front door.
            "--entryPoints.web.transport.respondingTimeouts.readTimeout=0",
            "--entryPoints.web.transport.respondingTimeouts.idleTimeout=300s",
            f"--providers.file.directory={self.routes_dir}",
            "--providers.file.watch=true",
        ]

    def prepare(self, workdir: Path) -> None:
        (workdir / "dynamic").mkdir(parents=True, exist_ok=True)

    def publish(self, config: Mapping[str, Any], *, wait: bool = True, timeout: float = 30) -> None:
        """Replace the routes (atomically); with `wait`, until Traefik serves every router."""
        staged = self.routes_dir / f".{ROUTES_FILE}.tmp"
        staged.write_text(json.dumps(config, indent=1))  # JSON is YAML
        staged.replace(self.routes_dir / ROUTES_FILE)
        if wait:
            self.wait_for(config, timeout=timeout)

    def wait_for(self, config: Mapping[str, Any], *, timeout: float = 30) -> None:
        """Wait until Traefik serves every router of `config`."""
        wanted = {f"{name}@file" for name in config.get("http", {}).get("routers", {})}
        deadline = time.monotonic() + timeout
        while True:
            loaded = {r["name"] for r in self.http_routers() if r.get("status") == "enabled"}
            if wanted <= loaded:
                return
            if time.monotonic() > deadline:
                raise InfraError(
                    f"the gateway did not load {sorted(wanted - loaded)} within {timeout:.0f}s"
                )
            time.sleep(0.1)
