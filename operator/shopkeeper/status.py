"""The platform's status from what was applied and what the watches see (pure)."""

from __future__ import annotations

from shopkeeper import kinds
from shopkeeper.api.status import (
    ComponentStatus,
    ConnectorDetail,
    ConnectorsStatus,
    CountStatus,
    Phase,
    PlatformStatus,
    TaskStatus,
)
from shopkeeper.builders.inputs import Manifest, image_tag, manifest_name
from shopkeeper.conditions import merge_conditions
from shopkeeper.observation import ConnectReport, Observation
from shopkeeper.readiness import ChildState
from shopkeeper.verdicts import verdicts


def _names(manifests: list[Manifest], kind: kinds.ChildKind) -> list[str]:
    return [manifest_name(m) for m in manifests if m["kind"] == kind.kind]


def _component(platform: str, name: str, state: ChildState | None) -> ComponentStatus:
    return ComponentStatus(
        name=name.removeprefix(f"{platform}-"),
        kind=kinds.DEPLOYMENT.kind,
        desired=(state.desired or 0) if state else 0,
        ready=(state.ready_replicas or 0) if state else 0,
    )


def compute_status(obs: Observation, previous: PlatformStatus, now: str) -> PlatformStatus:
    """The status to write: conditions, phase, components, topics and connectors."""
    states = {
        kind: [obs.live.get((kind.kind, n)) for n in _names(obs.desired, kind)]
        for kind in kinds.CHILD_KINDS
    }
    components = [
        _component(obs.platform, name, obs.live.get((kinds.DEPLOYMENT.kind, name)))
        for name in _names(obs.desired, kinds.DEPLOYMENT)
    ]
    topics = states[kinds.KAFKA_TOPIC]
    connectors = states[kinds.KAFKA_CONNECTOR]
    failed_connectors = [s.name for s in connectors if s is not None and s.failed]
    if obs.connect is not None:
        failed_connectors += [r.name for r in obs.connect.connectors if r.failed]
    found = verdicts(obs, states, failed_connectors)
    ready, degraded = found.ready.status, found.degraded.status
    phase: Phase = "Ready" if ready else "Degraded" if degraded else "Progressing"
    if not obs.live:
        phase = "Pending"
    topic_count = CountStatus(desired=len(topics), ready=sum(1 for s in topics if s and s.ready))
    connector_count: ConnectorsStatus | None = ConnectorsStatus(
        desired=len(connectors),
        ready=sum(1 for s in connectors if s and s.ready),
        failed=failed_connectors,
    )
    if obs.connect is not None:
        connector_count = rest_connectors_status(obs.connect, previous.connectors, now)
    elif not connectors:
        connector_count = None
    return PlatformStatus(
        observed_generation=obs.generation,
        phase=phase,
        version=image_tag(obs.rollout.migrated_image) if obs.rollout.migrated_image else None,
        image=obs.rollout.migrated_image,
        conditions=merge_conditions(
            previous.conditions, found.conditions(), generation=obs.generation, now=now
        ),
        components=components,
        topics=topic_count if topics else None,
        connectors=connector_count,
    )


def rest_connectors_status(
    report: ConnectReport, previous: ConnectorsStatus | None, now: str
) -> ConnectorsStatus:
    """Connectors of mode connect-rest; errors and restart counts carry over between passes."""
    before = {d.name: d for d in (previous.details if previous else [])}
    details = []
    for connector in report.connectors:
        old = before.get(connector.name)
        restarts = (old.restarts if old else 0) + (1 if connector.restarted else 0)
        details.append(
            ConnectorDetail(
                name=connector.name,
                state=connector.state,
                tasks=[TaskStatus(id=t.id, state=t.state) for t in connector.tasks],
                last_error=connector.error or (old.last_error if old else None),
                restarts=restarts,
                last_restart_time=now
                if connector.restarted
                else (old.last_restart_time if old else None),
            )
        )
    return ConnectorsStatus(
        desired=len(details),
        ready=sum(1 for c in report.connectors if c.ready),
        failed=[c.name for c in report.connectors if c.failed],
        details=details,
    )
