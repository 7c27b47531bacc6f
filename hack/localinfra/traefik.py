"""Traefik, built from the Go module proxy, as the Ingress and Gateway API controller of a cluster.

`provision()` builds it through the wrapper module hack/gobuild/traefik. `Traefik` runs it on the
host against a kubeconfig with its `kubernetesIngress` and `kubernetesGateway` providers and one
plain-HTTP entrypoint, `web`, on a free loopback port. Traefik connects to the backends'
EndpointSlice addresses itself (no kube-proxy needed), so they must be reachable from the host.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Self

import httpx

from localinfra.errors import InfraError, MissingDependencyError
from localinfra.gobuild import GoProgram, WrapperModule, build, check_pin, is_built
from localinfra.launcher import SingleProcessLauncher
from localinfra.paths import cache_dir
from localinfra.process import ManagedProcess, http_ok
from localinfra.versions import versions
from localinfra.workdir import make_workdir
from shop.devstack.ports import free_port

TRAEFIK = WrapperModule(
    "traefik",
    "github.com/traefik/traefik/v3",
    (GoProgram("github.com/traefik/traefik/v3/cmd/traefik", "traefik"),),
)
INGRESS_CONTROLLER = "traefik.io/ingress-controller"
GATEWAY_CONTROLLER = "traefik.io/gateway-controller"
# In-cluster client settings would win over KUBECONFIG in Traefik's providers.
_IN_CLUSTER_ENV = ("KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT")


def pinned_wrappers() -> list[tuple[WrapperModule, str]]:
    """The wrapper module of Traefik with the version hack/versions.env pins."""
    return [(TRAEFIK, versions().traefik)]


def traefik_bin_dir() -> Path:
    return cache_dir() / f"traefik-{versions().traefik}" / "bin"


def traefik_ldflags() -> str:
    """The version stamp of Traefik's own Makefile."""
    return f"-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=v{versions().traefik}"


def traefik_binary() -> Path:
    """Path of the pinned traefik; raises MissingDependencyError if not provisioned."""
    if not is_built(TRAEFIK, traefik_bin_dir(), traefik_ldflags()):
        raise MissingDependencyError(f"traefik {versions().traefik}")
    return traefik_bin_dir() / "traefik"


def provision(force: bool = False) -> None:
    """Build the pinned Traefik into the cache unless it is already there."""
    started = time.monotonic()
    check_pin(TRAEFIK, versions().traefik)
    built = build(
        TRAEFIK, traefik_bin_dir(), ldflags=traefik_ldflags(), label="traefik", force=force
    )
    print(
        f"traefik: traefik {versions().traefik} {'built' if built else 'cached'} at "
        f"{traefik_bin_dir()}, {time.monotonic() - started:.1f}s",
        flush=True,
    )


class TraefikProcess(SingleProcessLauncher):
    """One Traefik on 127.0.0.1: the `web` entrypoint on `web_url`, ping and API on `admin_url`.

    Subclasses name the providers (`provider_arguments`) and the environment they need.
    """

    name = "traefik"

    def __init__(self, workdir: Path | None = None, *, web_port: int | None = None) -> None:
        self.workdir = workdir
        self.host = "127.0.0.1"
        self.web_port = web_port or free_port()
        self.admin_port = free_port()

    @property
    def web_url(self) -> str:
        return f"http://{self.host}:{self.web_port}"

    @property
    def admin_url(self) -> str:
        return f"http://{self.host}:{self.admin_port}"

    def provider_arguments(self) -> list[str]:
        """The providers' (and any other) static configuration flags."""
        return []

    def process_env(self) -> dict[str, str] | None:
        """The environment of the process (None: this one's)."""
        return None

    def arguments(self) -> list[str]:
        """Traefik's static configuration, as flags."""
        return [
            f"--entryPoints.web.address={self.host}:{self.web_port}",
            f"--entryPoints.traefik.address={self.host}:{self.admin_port}",
            "--ping=true",
            "--api=true",
            "--api.insecure=true",  # the API on the loopback `traefik` entrypoint only
            # Nothing leaves the machine: no update check, no usage statistics.
            "--global.checkNewVersion=false",
            "--global.sendAnonymousUsage=false",
            "--log.level=INFO",
            *self.provider_arguments(),
        ]

    def prepare(self, workdir: Path) -> None:
        """What must exist in `workdir` before Traefik starts."""
        workdir.mkdir(parents=True, exist_ok=True)

    def start(self, workdir: Path | None = None, *, timeout: float = 60) -> Self:
        """Start Traefik and return once it answers its ping."""
        if self._process is not None:
            raise InfraError(f"{self.name} already started")
        binary = traefik_binary()
        self.workdir = workdir or self.workdir or make_workdir(self.name)
        self.prepare(self.workdir)
        self._process = ManagedProcess(
            self.name,
            [str(binary), *self.arguments()],
            self.workdir / f"{self.name}.log",
            env=self.process_env(),
            cwd=self.workdir,
        ).start()
        try:
            self._process.wait_ready(
                lambda: http_ok(f"{self.admin_url}/ping"), timeout=timeout, what="answering /ping"
            )
        except InfraError:
            self.stop()
            raise
        return self

    def http_routers(self) -> list[dict[str, Any]]:
        """The HTTP routers Traefik has loaded (its API's `/api/http/routers`)."""
        routers: list[dict[str, Any]] = httpx.get(
            f"{self.admin_url}/api/http/routers", timeout=5
        ).json()
        return routers


class Traefik(TraefikProcess):
    """Traefik serving the Ingresses and Gateway API routes of one cluster.

    A Gateway's listener must use `web_port`. `gateway=False` leaves out the Gateway API
    provider, for clusters without the Gateway API CRDs; `middlewares=True` adds the Kubernetes
    CRD provider, which serves the `traefik.io` Middlewares that Ingresses and HTTPRoutes name
    (the cluster needs Traefik's CRDs, the upstream set `traefik`).
    """

    def __init__(
        self,
        kubeconfig: Path,
        workdir: Path | None = None,
        *,
        gateway: bool = True,
        middlewares: bool = False,
    ):
        super().__init__(workdir)
        self.kubeconfig = kubeconfig
        self.gateway = gateway
        self.middlewares = middlewares

    def provider_arguments(self) -> list[str]:
        providers = [
            "kubernetesingress",
            *(["kubernetesgateway"] if self.gateway else []),
            *(["kubernetescrd"] if self.middlewares else []),
        ]
        return [f"--providers.{provider}=true" for provider in providers]

    def process_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _IN_CLUSTER_ENV}
        env["KUBECONFIG"] = str(self.kubeconfig)
        return env

    def class_manifests(self, name: str = "traefik") -> list[dict[str, Any]]:
        """The IngressClass and (with the Gateway provider) GatewayClass naming this Traefik."""
        manifests: list[dict[str, Any]] = [
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "IngressClass",
                "metadata": {"name": name},
                "spec": {"controller": INGRESS_CONTROLLER},
            }
        ]
        if self.gateway:
            manifests.append(
                {
                    "apiVersion": "gateway.networking.k8s.io/v1",
                    "kind": "GatewayClass",
                    "metadata": {"name": name},
                    "spec": {"controllerName": GATEWAY_CONTROLLER},
                }
            )
        return manifests

    def gateway_manifest(
        self, name: str, namespace: str, *, class_name: str = "traefik"
    ) -> dict[str, Any]:
        """A Gateway with one HTTP listener, `web`, on the `web` entrypoint, open to all namespaces.

        Traefik binds a listener to the entrypoint of the same port.
        """
        listener = {
            "name": "web",
            "protocol": "HTTP",
            "port": self.web_port,
            "allowedRoutes": {"namespaces": {"from": "All"}},
        }
        return {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"gatewayClassName": class_name, "listeners": [listener]},
        }

    def wait_for_routers(
        self, provider: str, count: int, *, name_part: str = "", timeout: float = 30
    ) -> None:
        """Wait until `provider` (`kubernetes` for Ingresses, `kubernetesgateway`) has loaded
        `count` routers or more whose name contains `name_part` (e.g. their namespace)."""
        deadline = time.monotonic() + timeout
        while True:
            loaded = [
                r
                for r in self.http_routers()
                if r.get("provider") == provider and name_part in r.get("name", "")
            ]
            if len(loaded) >= count:
                return
            if time.monotonic() > deadline:
                raise InfraError(
                    f"Traefik loaded {len(loaded)} {provider} routers, not {count}, within "
                    f"{timeout:.0f}s; see {self.workdir}/traefik.log"
                )
            time.sleep(0.2)
