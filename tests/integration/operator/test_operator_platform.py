"""The sample platform on a real API server: children, status, updates, no-op reconciles."""

from __future__ import annotations

import urllib.request
from typing import Any

import yaml
from lightkube import Client

from integration.operator.kube_support import (
    REPO,
    all_children,
    children,
    complete_job_pods,
    condition,
    create_platform,
    eventually,
    get_platform,
    patch_spec,
    sample_body,
    status_is_current,
)
from integration.operator.operator_runner import RunningOperator, start_operator
from localinfra.kube import ControlPlane
from shopkeeper import kinds
from shopkeeper.api import PlatformSpec
from shopkeeper.builders.inputs import BuildInput, Owner
from shopkeeper.builders.platform import build_all

TIMEOUT = 60.0


def _expected(body: dict[str, Any], uid: str) -> set[tuple[str, str]]:
    """(kind, name) of every child the builders want once migrations are done."""
    spec = PlatformSpec.model_validate(body["spec"])
    owner = Owner(body["metadata"]["name"], body["metadata"]["namespace"], uid)
    return {
        (m["kind"], m["metadata"]["name"])
        for m in build_all(BuildInput(owner, spec, spec.image.reference))
    }


def _migration_job(kube: Client, name: str, namespace: str) -> str:
    jobs = eventually(
        lambda: children(kube, kinds.JOB, name, namespace), timeout=TIMEOUT, what="a migrations Job"
    )
    [job] = jobs
    return str(job)


def _migrate(kube: Client, name: str, namespace: str) -> None:
    job = _migration_job(kube, name, namespace)
    eventually(
        lambda: complete_job_pods(kube, job, namespace),
        timeout=TIMEOUT,
        what=f"a pod of Job {job} to complete",
    )


def test_sample_platform_yields_every_child_and_a_clear_status(
    kube: Client, namespace: str, operator: RunningOperator
) -> None:
    body = sample_body("shop", namespace)
    created = create_platform(kube, body)
    expected = _expected(body, created.metadata.uid)

    def held() -> Any:
        platform = get_platform(kube, "shop", namespace)
        ready = condition(platform, "Ready")
        return platform if ready and ready["reason"] == "MigrationsRunning" else None

    platform = eventually(held, timeout=TIMEOUT, what="Ready=False/MigrationsRunning")
    assert condition(platform, "MigrationsComplete")["status"] == "False"
    deployments = children(kube, kinds.DEPLOYMENT, "shop", namespace)
    assert deployments
    assert {d["spec"]["replicas"] for d in deployments.values()} == {0}

    _migrate(kube, "shop", namespace)
    eventually(
        lambda: expected <= set(all_children(kube, "shop", namespace)),
        timeout=TIMEOUT,
        what="every child created",
    )

    def migrated_but_podless() -> Any:
        platform = get_platform(kube, "shop", namespace)
        ready = condition(platform, "Ready")
        ok = (
            status_is_current(platform)
            and ready
            and ready["status"] == "False"
            and ready["reason"] == "DeploymentsNotReady"
        )
        return platform if ok else None

    platform = eventually(
        migrated_but_podless,
        timeout=TIMEOUT,
        what="Ready=False/DeploymentsNotReady after migrations",
    )
    status = platform["status"]
    assert condition(platform, "MigrationsComplete")["status"] == "True"
    assert condition(platform, "Degraded")["status"] == "False"
    assert condition(platform, "Progressing")["status"] == "True"
    assert "waiting for ready pods" in condition(platform, "Ready")["message"]
    assert status["version"] == "0.1.0"
    assert status["phase"] == "Progressing"
    assert status["topics"] == {"desired": 18, "ready": 0}
    assert status["connectors"]["desired"] == 5
    assert {c["name"] for c in status["components"]} >= {"catalog-api", "reports-worker"}


def test_spec_changes_reach_the_children_and_a_second_reconcile_writes_nothing(
    kube: Client, namespace: str, shop_cluster: ControlPlane
) -> None:
    body = sample_body("shop", namespace)
    create_platform(kube, body)
    first = start_operator(shop_cluster, namespace)
    with first.runner:
        _migrate(kube, "shop", namespace)
        generation = patch_spec(
            kube, "shop", namespace, {"services": {"basket": {"api": {"replicas": 3}}}}
        )

        def scaled() -> bool:
            deployment = children(kube, kinds.DEPLOYMENT, "shop", namespace).get("shop-basket-api")
            platform = get_platform(kube, "shop", namespace)
            status = platform.get("status") or {}
            components = {c["name"]: c for c in status.get("components") or []}
            return (
                deployment is not None
                and deployment["spec"].get("replicas") == 3
                and status.get("observedGeneration") == generation
                and components.get("basket-api", {}).get("desired") == 3
                # the HPA has raised catalog-api to its minReplicas (else it does so later, and
                # the second operator rightly writes the new desired count into the status)
                and components.get("catalog-api", {}).get("desired") == 2
                and all(c.get("desired") for c in components.values())
            )

        eventually(scaled, timeout=TIMEOUT, what="basket-api scaled to 3 and the status caught up")
    # Taken once the first operator has stopped: whatever moves from here on was written by the
    # second one (the first may still be settling status from its children's events above).
    before = _versions(kube, namespace)

    second = start_operator(shop_cluster, namespace)
    with second.runner:
        eventually(
            lambda: (
                "shopkeeper_reconcile_duration_seconds_count" in second.metrics()
                and _reconciled(second.metrics())
            ),
            timeout=TIMEOUT,
            what="a reconcile by the restarted operator",
        )
        assert _versions(kube, namespace) == before
        platform = get_platform(kube, "shop", namespace)
        assert status_is_current(platform)


def _reconciled(metrics: str) -> bool:
    for line in metrics.splitlines():
        if line.startswith("shopkeeper_reconcile_duration_seconds_count"):
            return float(line.rsplit(" ", 1)[1]) >= 1
    return False


def _versions(kube: Client, namespace: str) -> dict[tuple[str, str], Any]:
    """What a write by the operator would change: its managedFields entries (with their time),
    the object's uid and generation. (resourceVersions also move when a controller updates
    status, which is not the operator writing.)"""
    found = all_children(kube, "shop", namespace)
    platform = get_platform(kube, "shop", namespace).to_dict()
    found[("EcommercePlatform", "shop")] = platform
    return {key: _write_marks(obj["metadata"]) for key, obj in found.items()}


def _write_marks(meta: dict[str, Any]) -> tuple[Any, ...]:
    ours = sorted(
        (entry["operation"], entry.get("subresource", ""), entry["time"])
        for entry in meta.get("managedFields", [])
        if entry["manager"] == "shopkeeper"
    )
    return meta["uid"], meta.get("generation"), tuple(ours)


def _version(kube: Client, namespace: str) -> str | None:
    status = get_platform(kube, "shop", namespace).get("status") or {}
    version: str | None = status.get("version")
    return version


def _images(kube: Client, namespace: str) -> set[str]:
    deployments = children(kube, kinds.DEPLOYMENT, "shop", namespace).values()
    return {d["spec"]["template"]["spec"]["containers"][0]["image"] for d in deployments}


def test_new_image_rolls_out_only_after_its_migrations(
    kube: Client, namespace: str, operator: RunningOperator
) -> None:
    create_platform(kube, sample_body("shop", namespace))
    _migrate(kube, "shop", namespace)
    eventually(
        lambda: _version(kube, namespace) == "0.1.0",
        timeout=TIMEOUT,
        what="version 0.1.0 rolled out",
    )
    old_job = _migration_job(kube, "shop", namespace)
    generation = patch_spec(kube, "shop", namespace, {"image": {"tag": "0.2.0"}})

    def migrating() -> Any:
        platform = get_platform(kube, "shop", namespace)
        jobs = children(kube, kinds.JOB, "shop", namespace)
        new_jobs = [name for name in jobs if name != old_job]
        ok = (
            status_is_current(platform)
            and new_jobs
            and condition(platform, "MigrationsComplete")["reason"] == "MigrationsRunning"
        )
        return new_jobs[0] if ok else None

    new_job = eventually(migrating, timeout=TIMEOUT, what="a migrations Job for 0.2.0")
    assert get_platform(kube, "shop", namespace)["status"]["observedGeneration"] == generation
    assert _images(kube, namespace) == {"ghcr.io/shopkeeper/shopkeeper:0.1.0"}

    eventually(
        lambda: complete_job_pods(kube, new_job, namespace),
        timeout=TIMEOUT,
        what=f"a pod of {new_job} to complete",
    )
    eventually(
        lambda: _images(kube, namespace) == {"ghcr.io/shopkeeper/shopkeeper:0.2.0"},
        timeout=TIMEOUT,
        what="Deployments on 0.2.0",
    )
    eventually(
        lambda: _version(kube, namespace) == "0.2.0",
        timeout=TIMEOUT,
        what="status.version 0.2.0",
    )
    platform = get_platform(kube, "shop", namespace)
    assert condition(platform, "MigrationsComplete")["status"] == "True"
    assert set(children(kube, kinds.JOB, "shop", namespace)) == {new_job}


def test_operator_serves_liveness_and_metrics(
    kube: Client, namespace: str, operator: RunningOperator
) -> None:
    create_platform(kube, sample_body("shop", namespace))
    eventually(
        lambda: status_is_current(get_platform(kube, "shop", namespace)),
        timeout=TIMEOUT,
        what="status written",
    )
    with urllib.request.urlopen(operator.liveness_url, timeout=5) as response:
        assert response.status == 200
    # The reconcile records its duration once the status PATCH has answered: the status can
    # be seen a moment before.
    duration = (
        f'shopkeeper_reconcile_duration_seconds_count{{namespace="{namespace}",platform="shop"}}'
    )

    def with_duration() -> str | None:
        page = operator.metrics()
        return page if duration in page else None

    metrics = eventually(
        with_duration, timeout=TIMEOUT, what="the reconcile's duration in /metrics"
    )
    assert "shopkeeper_managed_platforms 1.0" in metrics
    assert "shopkeeper_child_writes_total" in metrics or "shopkeeper_drift_repairs" in metrics


def test_a_missing_operator_degrades_the_platform_and_the_rest_is_applied(
    kube: Client, namespace: str, operator: RunningOperator
) -> None:
    body = yaml.safe_load((REPO / "k8s" / "samples" / "platform-external.yaml").read_text())
    body["metadata"]["namespace"] = namespace
    create_platform(kube, body)
    name = body["metadata"]["name"]

    def degraded() -> Any:
        platform = get_platform(kube, name, namespace)
        found = condition(platform, "Degraded")
        return found if found and found["status"] == "True" else None

    found = eventually(degraded, timeout=TIMEOUT, what="Degraded=True")
    assert found["reason"] == "DependencyMissing"
    assert "HTTPRoute (gateway.networking.k8s.io/v1) is not served" in found["message"]
    assert "install the Gateway API CRDs" in found["message"]
    deployments = children(kube, kinds.DEPLOYMENT, name, namespace)
    assert {f"{name}-{ctx}-relay" for ctx in ("catalog", "ordering")} <= set(deployments)
    assert not children(kube, kinds.KAFKA_TOPIC, name, namespace)
