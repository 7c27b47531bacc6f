"""Helpers of the operator's integration tests: platforms, children, polling, a kubelet stand-in."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx2
import yaml
from lightkube import ApiError, Client
from lightkube.resources.core_v1 import Pod
from lightkube.types import PatchType

from shopkeeper import constants as c
from shopkeeper.builders.meta import platform_selector
from shopkeeper.kinds import CHILD_KINDS, ChildKind
from shopkeeper.kube import platform_class, resource_class
from support.polling import wait_until

REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "k8s" / "samples" / "platform.yaml"
T = TypeVar("T")


def eventually(probe: Callable[[], T | None], *, timeout: float, what: str) -> T:
    """Poll `probe` until it returns something truthy (an API 404 or a port not open yet
    count as not yet); fail with `what` after `timeout` s."""
    found = wait_until(probe, within=timeout, what=what, interval=0.2, ignoring=(ApiError, OSError))
    assert found is not None
    return found


def sample_body(name: str, namespace: str, **spec_changes: Any) -> dict[str, Any]:
    """k8s/samples/platform.yaml, renamed and placed, with top-level spec keys replaced."""
    body: dict[str, Any] = yaml.safe_load(SAMPLE.read_text())
    body["metadata"] = {"name": name, "namespace": namespace}
    body["spec"].update(spec_changes)
    return body


def unique(prefix: str) -> str:
    """A name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def create_platform(kube: Client, body: dict[str, Any]) -> Any:
    """Create a platform as `kubectl create` would."""
    cls = platform_class()
    return kube.create(cls.from_dict(body))


def get_platform(kube: Client, name: str, namespace: str) -> Any:
    return kube.get(platform_class(), name, namespace=namespace)


def patch_spec(kube: Client, name: str, namespace: str, spec: dict[str, Any]) -> int:
    """Merge-patch the spec like `kubectl patch --type merge`; the new generation."""
    patched: Any = kube.patch(
        platform_class(), name, {"spec": spec}, namespace=namespace, patch_type=PatchType.MERGE
    )
    return int(patched.metadata.generation or 0)


def children(kube: Client, kind: ChildKind, platform: str, namespace: str) -> dict[str, Any]:
    """Live children of one kind by name (as dicts)."""
    labels: Any = _selector(platform)
    objects: Any = kube.list(resource_class(kind), namespace=namespace, labels=labels)
    return {o.metadata.name: o.to_dict() for o in objects}


def all_children(kube: Client, platform: str, namespace: str) -> dict[tuple[str, str], Any]:
    """Every live child by (kind, name); kinds the server does not serve are skipped."""
    found: dict[tuple[str, str], Any] = {}
    for kind in CHILD_KINDS:
        try:
            for name, obj in children(kube, kind, platform, namespace).items():
                found[(kind.kind, name)] = obj
        except httpx2.HTTPStatusError as err:  # lightkube's ApiError, or a bare 404 page
            if err.response.status_code != 404:
                raise
    return found


def condition(platform: Any, type_: str) -> Any:
    """A condition of a live platform (a dict), or None."""
    status = platform.get("status") or {}
    return next((x for x in status.get("conditions", []) if x["type"] == type_), None)


def status_is_current(platform: Any) -> bool:
    """The operator has written status for the platform's current generation."""
    status = platform.get("status") or {}
    return bool(status.get("observedGeneration") == platform.metadata.generation)


def run_job_pods(kube: Client, job_name: str, namespace: str) -> int:
    """Play the kubelet as a node does: the Job's pods Running, their containers started and
    ready (the Job controller then counts them `active` and `ready`); the number marked."""

    def running(pod: Any, now: str) -> dict[str, Any]:
        statuses = [
            {
                "name": ct.name,
                "image": ct.image,
                "imageID": "",
                "ready": True,
                "started": True,
                "restartCount": 0,
                "state": {"running": {"startedAt": now}},
            }
            for ct in pod.spec.containers
        ]
        conditions = [
            {"type": type_, "status": "True", "lastTransitionTime": now}
            for type_ in ("PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready")
        ]
        return {
            "phase": "Running",
            "startTime": now,
            "conditions": conditions,
            "containerStatuses": statuses,
        }

    return _set_job_pods_status(kube, job_name, namespace, running)


def complete_job_pods(kube: Client, job_name: str, namespace: str) -> int:
    """Play the kubelet: mark the Job's pods Succeeded (nothing runs pods here)."""

    def succeeded(pod: Any, now: str) -> dict[str, Any]:
        statuses = [
            {
                "name": ct.name,
                "image": ct.image,
                "imageID": "",
                "ready": False,
                "restartCount": 0,
                "state": {
                    "terminated": {
                        "exitCode": 0,
                        "reason": "Completed",
                        "startedAt": now,
                        "finishedAt": now,
                    }
                },
            }
            for ct in pod.spec.containers
        ]
        conditions = [
            {"type": type_, "status": "False", "reason": "PodCompleted", "lastTransitionTime": now}
            for type_ in ("ContainersReady", "Ready")
        ]
        return {"phase": "Succeeded", "conditions": conditions, "containerStatuses": statuses}

    return _set_job_pods_status(kube, job_name, namespace, succeeded)


def _set_job_pods_status(
    kube: Client, job_name: str, namespace: str, status: Callable[[Any, str], dict[str, Any]]
) -> int:
    """Patch every pod of the Job with `status(pod, now)`, as a kubelet writes it; how many."""
    now = _now()
    pods: Any = kube.list(Pod, namespace=namespace, labels={"job-name": job_name})
    patched = 0
    for pod in pods:
        kube.patch(
            Pod.Status,
            pod.metadata.name,
            {"status": status(pod, now)},
            namespace=namespace,
            patch_type=PatchType.MERGE,
        )
        patched += 1
    return patched


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _selector(platform: str) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in platform_selector(platform).split(","))


PLATFORM_LABEL = c.PLATFORM_LABEL
