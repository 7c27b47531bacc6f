"""Traefik's static configuration: loopback entrypoints, both Kubernetes providers, no calls out."""

from __future__ import annotations

from pathlib import Path

from localinfra.traefik import Traefik


def test_it_listens_on_loopback_and_never_calls_out() -> None:
    proxy = Traefik(Path("/nowhere/kubeconfig"))
    args = proxy.arguments()
    assert f"--entryPoints.web.address=127.0.0.1:{proxy.web_port}" in args
    assert f"--entryPoints.traefik.address=127.0.0.1:{proxy.admin_port}" in args
    assert "--global.checkNewVersion=false" in args
    assert "--global.sendAnonymousUsage=false" in args
    assert {"--providers.kubernetesingress=true", "--providers.kubernetesgateway=true"} <= set(args)


def test_without_the_gateway_api_only_ingresses_are_served() -> None:
    proxy = Traefik(Path("/nowhere/kubeconfig"), gateway=False)
    assert "--providers.kubernetesgateway=true" not in proxy.arguments()
    assert [m["kind"] for m in proxy.class_manifests()] == ["IngressClass"]


def test_middlewares_come_from_the_kubernetes_crd_provider_only_when_asked() -> None:
    assert "--providers.kubernetescrd=true" not in Traefik(Path("/k")).arguments()
    assert "--providers.kubernetescrd=true" in Traefik(Path("/k"), middlewares=True).arguments()


def test_the_gateway_listens_on_the_web_entrypoints_port() -> None:
    proxy = Traefik(Path("/nowhere/kubeconfig"))
    gateway = proxy.gateway_manifest("public", "shop")
    [listener] = gateway["spec"]["listeners"]
    assert listener["port"] == proxy.web_port
    assert gateway["spec"]["gatewayClassName"] == "traefik"
