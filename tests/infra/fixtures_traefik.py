"""Session fixtures: Traefik, the real Ingress and Gateway API controller, on a real cluster.

`traefik_cluster` is a control plane of Traefik's own with the Gateway API CRDs (the shared
`kube_control_plane` stays without them: tests check a cluster that lacks them); `traefik` is one
Traefik per session on it, its IngressClass and GatewayClass `traefik` applied.

A tier with a cluster of its own (the node's) makes its own session fixture with
`traefik_serving(request, kubeconfig, name)` once its API serves the Gateway API CRDs
(`install_upstream_crds("gateway-api")`); overriding `traefik_cluster` would not do, since one
session fixture is made once per session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import pytest
from lightkube import Client, KubeConfig, codecs
from lightkube.generic_resource import create_global_resource, create_namespaced_resource

from infra.fixtures_kube import session_dir
from localinfra.kube import ControlPlane
from localinfra.traefik import Traefik
from support.provisioned import provisioned

FIELD_MANAGER = "shopkeeper-tests"
GATEWAY_API = ("gateway.networking.k8s.io", "v1")
create_global_resource(*GATEWAY_API, "GatewayClass", "gatewayclasses")
create_namespaced_resource(*GATEWAY_API, "Gateway", "gateways")
create_namespaced_resource(*GATEWAY_API, "HTTPRoute", "httproutes")


class Cluster(Protocol):
    """What Traefik needs of a cluster: an admin kubeconfig."""

    @property
    def kubeconfig(self) -> Path: ...


def apply_manifests(kubeconfig: Path, manifests: list[dict[str, object]]) -> None:
    """Server-side apply manifests (core, networking, discovery and Gateway API kinds)."""
    with Client(KubeConfig.from_file(kubeconfig), field_manager=FIELD_MANAGER) as client:
        for manifest in manifests:
            client.apply(codecs.from_dict(manifest), force=True)


def start_or_end_session(start: Callable[[], object], stop: Callable[[], None], what: str) -> None:
    """`start()`; if it fails, `stop()` what it started, then stop the session when something
    is not provisioned (one line naming the command) or fail the test."""
    try:
        provisioned(start, f"{what} did not start")
    except BaseException:
        stop()
        raise


@pytest.fixture(scope="session")
def traefik_cluster(request: pytest.FixtureRequest) -> Iterator[Cluster]:
    """A control plane of Traefik's own, with the Gateway API CRDs Established."""
    plane = ControlPlane()

    def start() -> None:
        plane.start(session_dir(request, "traefik-kube"))
        plane.install_upstream_crds("gateway-api")

    start_or_end_session(start, plane.stop, "Traefik's control plane")
    try:
        yield plane
    finally:
        plane.stop()


@contextmanager
def traefik_serving(
    request: pytest.FixtureRequest,
    kubeconfig: Path,
    name: str = "traefik",
    *,
    middlewares: bool = False,
) -> Iterator[Traefik]:
    """A started Traefik for the cluster of `kubeconfig`, its IngressClass and GatewayClass
    `traefik` applied (logs in the session directory `name`); stopped on exit.

    Requests go to `.web_url` with the route's `Host`; a Gateway for it is
    `.gateway_manifest(name, namespace)`; `.wait_for_routers(...)` waits for routes to load.
    """
    proxy = Traefik(kubeconfig, session_dir(request, name), middlewares=middlewares)

    def start() -> None:
        proxy.start()
        apply_manifests(kubeconfig, proxy.class_manifests())

    start_or_end_session(start, proxy.stop, "Traefik")
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture(scope="session")
def traefik(request: pytest.FixtureRequest, traefik_cluster: Cluster) -> Iterator[Traefik]:
    """Traefik serving `traefik_cluster`'s Ingresses (class `traefik`) and Gateway API routes."""
    with traefik_serving(request, traefik_cluster.kubeconfig) as proxy:
        yield proxy
