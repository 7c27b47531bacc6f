"""Deployments (API, worker, relay per context), their Services and PodDisruptionBudgets."""

from __future__ import annotations

from dataclasses import dataclass

from shopkeeper import constants as c
from shopkeeper import kinds, naming
from shopkeeper.api.base import Resources
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.meta import metadata, selector_labels
from shopkeeper.builders.pods import process_template
from shopkeeper.topics import CONTEXTS, publishing_contexts

SERVICE_PORT = 80
SERVING_ROLES = ("api", "web")
"""Processes that take traffic through their Service (the others serve probes and metrics)."""


@dataclass(frozen=True)
class Workload:
    """One Deployment: a context's api, worker or relay."""

    context: str
    role: str
    replicas: int | None
    """None when an autoscaler owns the replica count."""
    resources: Resources

    @property
    def component(self) -> str:
        """`<context>-<role>`."""
        return f"{self.context}-{self.role}"


def workloads(inp: BuildInput) -> list[Workload]:
    """Every process of the platform, in a stable order."""
    out: list[Workload] = []
    for context in CONTEXTS:
        service = inp.spec.services.of(context)
        api_replicas = None if service.api.autoscaling.enabled else service.api.replicas
        worker_replicas = None if service.worker.autoscaling.enabled else service.worker.replicas
        out.append(Workload(context, "api", api_replicas, service.api.resources))
        out.append(Workload(context, "worker", worker_replicas, service.worker.resources))
    if inp.spec.outbox.mode == "relay":
        relay = inp.spec.outbox.relay
        # The schema's advisory lock lets one replica relay; the others are its standbys.
        out += [
            Workload(ctx, "relay", relay.replicas, relay.resources) for ctx in publishing_contexts()
        ]
    return out


def build_deployment(
    inp: BuildInput, workload: Workload, template: dict[str, object] | None = None
) -> Manifest:
    """The Deployment of one process (of `template`, default `shop run <context>-<role>`'s);
    zero replicas while the first migration runs."""
    name = naming.workload(inp.name, workload.context, workload.role)
    spec: dict[str, object] = {
        "revisionHistoryLimit": 5,
        "selector": {"matchLabels": selector_labels(inp.name, workload.component)},
        "template": template
        or process_template(
            inp, context=workload.context, role=workload.role, resources=workload.resources
        ),
        # Relays too: the advisory lock keeps a surged relay standing by until the old one goes.
        "strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
        },
    }
    if inp.held:
        spec["replicas"] = 0
    elif workload.replicas is not None:
        spec["replicas"] = workload.replicas
    labels = {
        c.CONTEXT_LABEL: workload.context,
        c.ROLE_LABEL: workload.role,
        c.VERSION_LABEL: inp.running_version,
    }
    return {
        "apiVersion": kinds.DEPLOYMENT.api_version,
        "kind": kinds.DEPLOYMENT.kind,
        "metadata": metadata(
            inp, kinds.DEPLOYMENT, name, component=workload.component, labels=labels
        ),
        "spec": spec,
    }


def build_service(inp: BuildInput, workload: Workload) -> Manifest:
    """Service of one process: a ClusterIP for an API or the web app, headless for workers
    and relays.

    Workers and relays serve only /metrics and probes; scrapers resolve their pods directly,
    so they need no virtual IP.
    """
    name = naming.workload(inp.name, workload.context, workload.role)
    labels = {c.CONTEXT_LABEL: workload.context, c.ROLE_LABEL: workload.role}
    spec: dict[str, object] = {
        "type": "ClusterIP",
        "selector": selector_labels(inp.name, workload.component),
        "ports": [
            {
                "name": c.HTTP_PORT_NAME,
                "port": SERVICE_PORT,
                "targetPort": c.HTTP_PORT_NAME,
                "protocol": "TCP",
            }
        ],
    }
    if workload.role not in SERVING_ROLES:
        spec["clusterIP"] = "None"
    return {
        "apiVersion": kinds.SERVICE.api_version,
        "kind": kinds.SERVICE.kind,
        "metadata": metadata(inp, kinds.SERVICE, name, component=workload.component, labels=labels),
        "spec": spec,
    }


def build_pdb(inp: BuildInput, workload: Workload) -> Manifest:
    """At most one pod of a process down at a time during voluntary disruptions."""
    name = naming.workload(inp.name, workload.context, workload.role)
    return {
        "apiVersion": kinds.PDB.api_version,
        "kind": kinds.PDB.kind,
        "metadata": metadata(inp, kinds.PDB, name, component=workload.component),
        "spec": {
            "maxUnavailable": 1,
            "selector": {"matchLabels": selector_labels(inp.name, workload.component)},
        },
    }


def build_workloads(inp: BuildInput) -> list[Manifest]:
    """Deployment and Service of every process; a PDB for APIs, workers and standby relays.

    A single relay gets no PDB: `maxUnavailable: 1` would not protect it, and anything
    stricter would block every node drain.
    """
    out: list[Manifest] = []
    for workload in workloads(inp):
        out.append(build_deployment(inp, workload))
        out.append(build_service(inp, workload))
        if workload.role != "relay" or (workload.replicas or 0) > 1:
            out.append(build_pdb(inp, workload))
    return out
