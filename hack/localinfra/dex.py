"""Dex, built from the Go module proxy, as the OIDC provider of the local stack and the tests.

`provision()` builds it through the wrapper module hack/gobuild/dex. `Dex` runs it on a free
loopback port with the realm of `localinfra.dex_realm` (in-memory storage, fresh client secrets
per start). Its issuer is `http://127.0.0.1:<port>/dex` unless the caller names another one (the
gateway's origin, when the gateway routes `/dex` to it): tokens carry that issuer whichever
address they were fetched from.
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any, Self

from localinfra.dex_realm import API_AUDIENCE, DEMO_CLIENT, NOTIFICATION_CLIENT, Realm, dex_config
from localinfra.errors import InfraError, MissingDependencyError
from localinfra.gobuild import GoProgram, WrapperModule, build, check_pin, is_built
from localinfra.launcher import SingleProcessLauncher
from localinfra.paths import cache_dir
from localinfra.process import ManagedProcess, http_ok
from localinfra.versions import versions
from localinfra.workdir import make_workdir
from shop.devstack.ports import free_port

DEX = WrapperModule(
    "dex", "github.com/dexidp/dex", (GoProgram("github.com/dexidp/dex/cmd/dex", "dex"),)
)
ISSUER_PATH = "/dex"


def dex_bin_dir() -> Path:
    return cache_dir() / f"dex-{versions().dex}" / "bin"


def dex_ldflags() -> str:
    """The version stamp of Dex's own Makefile."""
    return f"-s -w -X main.version=v{versions().dex}"


def dex_binary() -> Path:
    """Path of the pinned dex; raises MissingDependencyError if not provisioned."""
    if not is_built(DEX, dex_bin_dir(), dex_ldflags()):
        raise MissingDependencyError(f"dex {versions().dex}")
    return dex_bin_dir() / "dex"


def provision(force: bool = False) -> None:
    """Build the pinned Dex into the cache unless it is already there."""
    started = time.monotonic()
    check_pin(DEX, versions().dex)
    built = build(DEX, dex_bin_dir(), ldflags=dex_ldflags(), label="dex", force=force)
    print(
        f"dex: dex {versions().dex} {'built' if built else 'cached'} at {dex_bin_dir()}, "
        f"{time.monotonic() - started:.1f}s",
        flush=True,
    )


class Dex(SingleProcessLauncher):
    """Dex on 127.0.0.1 with the shop's clients and demo users.

    `url` is where it listens (`.../dex`); `issuer` is what its tokens say. `web_origins` are
    the origins the storefront is served on (its redirect URIs and CORS); `token_lifetime`
    how long its tokens live (Dex's duration syntax, `1h`, `8s`); `host` where it listens (the
    local node's bridge address, for pods); `signing_key_lifetime` how long Dex signs with one
    key (it checks every 30 s, and keeps a replaced key published while its tokens live).
    """

    def __init__(
        self,
        workdir: Path | None = None,
        *,
        issuer: str | None = None,
        web_origins: tuple[str, ...] = (),
        port: int | None = None,
        token_lifetime: str = "1h",
        host: str = "127.0.0.1",
        signing_key_lifetime: str = "6h",
    ) -> None:
        self.workdir = workdir
        self.host = host
        self.port = port or free_port()
        self.issuer = (issuer or f"http://{self.host}:{self.port}{ISSUER_PATH}").rstrip("/")
        if not self.issuer.endswith(ISSUER_PATH):
            raise InfraError(f"the issuer must end with {ISSUER_PATH} (Dex serves under it)")
        clients = (API_AUDIENCE, DEMO_CLIENT, NOTIFICATION_CLIENT)
        self.secrets = {client: secrets.token_urlsafe(24) for client in clients}
        self.realm = Realm(
            self.issuer,
            web_origins,
            self.secrets,
            id_token_lifetime=token_lifetime,
            signing_key_lifetime=signing_key_lifetime,
        )

    @property
    def url(self) -> str:
        """Dex's own address, under the issuer's path."""
        return f"http://{self.host}:{self.port}{ISSUER_PATH}"

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/keys"

    def config(self) -> dict[str, Any]:
        """Dex's configuration: the realm, listening on `host:port`."""
        return dex_config(self.realm, f"{self.host}:{self.port}")

    def process_env(self) -> dict[str, str]:
        """Dex's environment (its feature flags)."""
        # Dex's config expands $VARIABLES by default; nothing here is meant to be expanded.
        return {"DEX_EXPAND_ENV": "false"}

    def start(self, workdir: Path | None = None, *, timeout: float = 60) -> Self:
        """Write the configuration and start Dex; returns once its discovery document answers."""
        if self._process is not None:
            raise InfraError("Dex already started")
        binary = dex_binary()
        self.workdir = workdir or self.workdir or make_workdir("dex")
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "config.yaml"
        config.touch(mode=0o600)
        config.write_text(json.dumps(self.config(), indent=1))
        self._process = ManagedProcess(
            "dex",
            [str(binary), "serve", str(config)],
            self.workdir / "dex.log",
            env=self.process_env(),
            cwd=self.workdir,
        ).start()
        try:
            self._process.wait_ready(
                lambda: http_ok(f"{self.url}/.well-known/openid-configuration"),
                timeout=timeout,
                what="serving its discovery document",
            )
        except InfraError:
            self.stop()
            raise
        return self

    def env(self) -> dict[str, str]:
        """What the shop's APIs need to check its tokens."""
        return {
            "SHOP_AUTH_ISSUER": self.issuer,
            "SHOP_AUTH_AUDIENCE": API_AUDIENCE,
            "SHOP_AUTH_JWKS_URL": self.jwks_url,
        }
