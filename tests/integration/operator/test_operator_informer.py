"""The operator's child informer against the real API server: what the cluster tier's node showed.

A cluster-wide operator (the chart's default) must see the children of a platform in any
namespace, and its migrations Job go Running, ready, then Complete as a node's kubelet makes it;
a watch that the server ends must resume without losing a change, and a quiet one must resume
from the server's bookmark without listing its kind again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from lightkube import AsyncClient, Client, KubeConfig
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.core_v1 import ConfigMap

from integration.operator.kube_support import (
    children,
    complete_job_pods,
    condition,
    create_platform,
    eventually,
    get_platform,
    run_job_pods,
    sample_body,
)
from integration.operator.operator_runner import RunningOperator, run_operator
from localinfra.kube import ControlPlane
from shopkeeper import constants as c
from shopkeeper import kinds
from shopkeeper.informer import ChildInformer

TIMEOUT = 60.0
BOOKMARK_WATCH_SECONDS = 10
"""The server sends a watch's bookmark 2 s before its `timeoutSeconds`: here at 8 s."""


@pytest.fixture
def cluster_wide(shop_cluster: ControlPlane) -> Iterator[RunningOperator]:
    """The operator serving every namespace, as the chart runs it (no `watchNamespaces`), with
    a kubeconfig whose default namespace is not the platform's."""
    running = run_operator(shop_cluster.kubeconfig, namespace=None)
    with running.runner:
        yield running


def _migration_job(kube: Client, namespace: str) -> str:
    jobs = eventually(
        lambda: children(kube, kinds.JOB, "shop", namespace),
        timeout=TIMEOUT,
        what="the migrations Job",
    )
    (name,) = jobs
    return name


def _reason(kube: Client, namespace: str) -> str:
    ready = condition(get_platform(kube, "shop", namespace), "Ready")
    return str(ready["reason"]) if ready else ""


def test_a_cluster_wide_operator_sees_its_migrations_job_run_and_complete(
    kube: Client, namespace: str, cluster_wide: RunningOperator
) -> None:
    create_platform(kube, sample_body("shop", namespace))
    job = _migration_job(kube, namespace)
    eventually(
        lambda: _reason(kube, namespace) == "MigrationsRunning",
        timeout=TIMEOUT,
        what="Ready=False/MigrationsRunning",
    )

    eventually(lambda: run_job_pods(kube, job, namespace), timeout=TIMEOUT, what="a Job pod")
    eventually(
        lambda: (
            (children(kube, kinds.JOB, "shop", namespace)[job].get("status") or {}).get("ready")
            == 1
        ),
        timeout=TIMEOUT,
        what="the Job counting its pod ready",
    )
    assert _reason(kube, namespace) == "MigrationsRunning"

    complete_job_pods(kube, job, namespace)
    eventually(
        lambda: (
            condition(get_platform(kube, "shop", namespace), "MigrationsComplete")["status"]
            == "True"
        ),
        timeout=TIMEOUT,
        what="MigrationsComplete=True once the Job completed",
    )
    eventually(
        lambda: _reason(kube, namespace) == "DeploymentsNotReady",
        timeout=TIMEOUT,
        what="Ready=False/DeploymentsNotReady (no kubelet runs their pods)",
    )
    replicas = {
        d["spec"]["replicas"] for d in children(kube, kinds.DEPLOYMENT, "shop", namespace).values()
    }
    assert 0 not in replicas, "the migrations gate opened: every Deployment scaled up"


@pytest.fixture
async def async_kube(shop_cluster: ControlPlane) -> AsyncIterator[AsyncClient]:
    client = AsyncClient(config=KubeConfig.from_file(shop_cluster.kubeconfig))
    try:
        yield client
    finally:
        await client.close()


def _config_map(name: str, namespace: str, value: str, *, managed: bool = True) -> ConfigMap:
    labels = {c.MANAGED_BY_LABEL: c.MANAGED_BY_VALUE, c.PLATFORM_LABEL: "shop"} if managed else {}
    return ConfigMap(
        metadata=ObjectMeta(name=name, namespace=namespace, labels=labels), data={"v": value}
    )


async def _seen(informer: ChildInformer, namespace: str, name: str, version: str) -> None:
    async def current() -> None:
        while True:
            state = informer.children(namespace, "shop").get(("ConfigMap", name))
            if state is not None and state.version == version:
                return
            await asyncio.sleep(0.1)

    await asyncio.wait_for(current(), TIMEOUT)


async def test_changes_made_between_watches_are_seen_when_the_watch_resumes(
    kube: Client, async_kube: AsyncClient, namespace: str
) -> None:
    woken: list[tuple[str, str]] = []
    informer = ChildInformer(
        async_kube, [], lambda ns, platform: woken.append((ns, platform)), watch_seconds=1
    )
    informer.start()
    try:
        await asyncio.wait_for(informer.wait_synced(), TIMEOUT)
        for value in ("a", "b", "c"):
            created: Any = kube.apply(_config_map("settings", namespace, value), force=True)
            await _seen(informer, namespace, "settings", f"rv{created.metadata.resourceVersion}")
            await asyncio.sleep(1.5)  # the watch ends (1 s) and resumes from its last version
        assert (namespace, "shop") in woken
    finally:
        await informer.stop()


async def test_a_quiet_watch_resumes_from_a_bookmark_without_listing_again(
    kube: Client, async_kube: AsyncClient, namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lists: list[str] = []
    listing = async_kube.list

    def counted(res: Any, **kwargs: Any) -> Any:
        lists.append(res.__name__)
        return listing(res, **kwargs)

    monkeypatch.setattr(async_kube, "list", counted)
    woken: list[tuple[str, str]] = []
    informer = ChildInformer(
        async_kube,
        [namespace],
        lambda ns, platform: woken.append((ns, platform)),
        watch_seconds=BOOKMARK_WATCH_SECONDS,
    )
    informer.start()
    try:
        await asyncio.wait_for(informer.wait_synced(), TIMEOUT)
        settings: Any = kube.apply(_config_map("settings", namespace, "a"), force=True)
        await _seen(informer, namespace, "settings", f"rv{settings.metadata.resourceVersion}")
        seen, woken_before = informer.children(namespace, "shop"), len(woken)
        # A change the watch does not select (no labels) moves the ConfigMaps' version past
        # the last one the watch delivered: only a bookmark can bring the watch there.
        noise: Any = kube.apply(_config_map("noise", namespace, "x", managed=False), force=True)
        noise_version = int(noise.metadata.resourceVersion)  # etcd's revisions: comparable here

        async def bookmarked() -> str:
            while True:
                version = informer.resume_version(kinds.CONFIG_MAP, namespace)
                if version is not None and int(version) >= noise_version:
                    return version
                await asyncio.sleep(0.2)

        bookmark = await asyncio.wait_for(bookmarked(), 3 * BOOKMARK_WATCH_SECONDS)
        assert informer.children(namespace, "shop") == seen
        assert len(woken) == woken_before, "a bookmark woke a platform"

        await asyncio.sleep(BOOKMARK_WATCH_SECONDS)  # the next request starts after `bookmark`
        changed: Any = kube.apply(_config_map("settings", namespace, "b"), force=True)
        await _seen(informer, namespace, "settings", f"rv{changed.metadata.resourceVersion}")
        assert int(changed.metadata.resourceVersion) > int(bookmark)
        assert lists.count("ConfigMap") == 1, f"ConfigMaps listed again: {lists}"
    finally:
        await informer.stop()
