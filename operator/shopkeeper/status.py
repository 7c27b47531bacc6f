"""The platform's status from what was applied and what the watches see (pure)."""

from __future__ import annotations

from shopkeeper import kinds
from shopkeeper.api.status import (
    ComponentStatus,
    ConnectorsStatus,
    CountStatus,
    Phase,
    PlatformStatus,
)
from shopkeeper.builders.inputs import Manifest, image_tag, manifest_name
from shopkeeper.conditions import merge_conditions
from shopkeeper.observation import Observation
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
    found = verdicts(obs, states, failed_connectors)
    ready, degraded = found.ready.status, found.degraded.status
    phase: Phase = "Ready" if ready else "Degraded" if degraded else "Progressing"
    if not obs.live:
        phase = "Pending"
    topic_count = CountStatus(desired=len(topics), ready=sum(1 for s in topics if s and s.ready))
    connector_count = ConnectorsStatus(
        desired=len(connectors),
        ready=sum(1 for s in connectors if s and s.ready),
        failed=failed_connectors,
    )
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
        connectors=connector_count if connectors else None,
    )
