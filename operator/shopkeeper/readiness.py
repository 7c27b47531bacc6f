"""What the operator needs to know about a live child, summarised from its body (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from shopkeeper import constants as c
from shopkeeper import kinds
from shopkeeper.kinds import ChildKind

Identity = tuple[str, str, str, str]
"""(kind, name, uid, version)."""
_STRIMZI = {kinds.KAFKA_TOPIC.kind, kinds.KAFKA_CONNECT.kind}


@dataclass(frozen=True)
class ChildState:
    """A child as last seen by the watch."""

    kind: str
    name: str
    uid: str
    version: str
    """`metadata.generation` where the kind has one (it moves only when the spec changes, not on
    status updates), else `metadata.resourceVersion`."""
    ready: bool
    failed: bool = False
    message: str = ""
    desired: int | None = None
    """Deployments: wanted pods."""
    ready_replicas: int | None = None
    """Deployments: ready pods."""
    state: str | None = None
    """Jobs: Complete, Failed or Running. KafkaConnectors: connector state (RUNNING, FAILED...)."""
    failed_tasks: tuple[int, ...] = ()
    """KafkaConnectors: ids of FAILED tasks."""
    restart_pending: bool = False
    """KafkaConnectors: a Strimzi restart annotation is still waiting to be handled."""


def summarize(kind: ChildKind, body: Mapping[str, Any]) -> ChildState:
    """Summarise `body`, a live object of `kind`."""
    meta = body.get("metadata") or {}
    ident: Identity = (
        kind.kind,
        str(meta.get("name", "")),
        str(meta.get("uid", "")),
        spec_version(meta),
    )
    status = body.get("status") or {}
    generation = int(meta.get("generation") or 0)
    if kind == kinds.DEPLOYMENT:
        return _deployment(ident, body.get("spec") or {}, status, generation)
    if kind == kinds.JOB:
        return _job(ident, status)
    if kind == kinds.KAFKA_CONNECTOR:
        return _connector(ident, meta, status, generation)
    if kind.kind in _STRIMZI or kind == kinds.PG_CLUSTER:
        ready = _condition(status, "Ready")
        current = kind == kinds.PG_CLUSTER or status.get("observedGeneration") == generation
        is_ready = bool(ready and ready.get("status") == "True" and current)
        # Strimzi reports errors as Ready=False; CloudNativePG also while it starts.
        failed = bool(kind.kind in _STRIMZI and ready and ready.get("status") == "False")
        message = str(ready.get("message", "")) if ready else ""
        return ChildState(*ident, ready=is_ready, failed=failed, message=message)
    if kind == kinds.PG_DATABASE:
        applied = status.get("applied")
        return ChildState(
            *ident,
            ready=applied is True,
            failed=applied is False,
            message=str(status.get("message", "")),
        )
    return ChildState(*ident, ready=True)


def as_of_writes(
    live: Mapping[tuple[str, str], ChildState], written: Mapping[tuple[str, str], tuple[str, str]]
) -> dict[tuple[str, str], ChildState]:
    """`live`, where a child written since the watch last showed it is not ready yet.

    `written` maps a child to the (uid, version) the operator's last apply returned. Until the
    watch shows that version, the child's status describes the spec before the write: a
    Deployment just scaled up from zero (the migrations gate opening) or given a new image would
    otherwise count as ready with its old pods.
    """
    current = dict(live)
    for key, state in live.items():
        applied = written.get(key)
        if applied is not None and applied != (state.uid, state.version):
            current[key] = replace(state, ready=False)
    return current


def spec_version(meta: Mapping[str, Any]) -> str:
    """What changes when someone changes the object's spec (see `ChildState.version`)."""
    generation = meta.get("generation")
    return f"g{generation}" if generation else f"rv{meta.get('resourceVersion', '')}"


def _deployment(
    ident: Identity, spec: Mapping[str, Any], status: Mapping[str, Any], generation: int
) -> ChildState:
    desired = int(spec.get("replicas", 1))
    ready = int(status.get("readyReplicas", 0))
    updated = int(status.get("updatedReplicas", 0))
    # readyReplicas counts old pods too: mid-rollout, the old ready pod and a new unready one
    # would look like one ready pod of the new template. Ready only once no old pod is left.
    old = int(status.get("replicas", updated)) - updated
    current = int(status.get("observedGeneration", 0)) >= generation
    is_ready = current and ready >= desired and updated >= desired and old <= 0
    return ChildState(*ident, ready=is_ready, desired=desired, ready_replicas=ready)


def _job(ident: Identity, status: Mapping[str, Any]) -> ChildState:
    for type_ in ("Complete", "Failed"):
        condition = _condition(status, type_)
        if condition and condition.get("status") == "True":
            return ChildState(
                *ident,
                ready=type_ == "Complete",
                failed=type_ == "Failed",
                state=type_,
                message=str(condition.get("message", "")),
            )
    return ChildState(*ident, ready=False, state="Running")


def _connector(
    ident: Identity, meta: Mapping[str, Any], status: Mapping[str, Any], generation: int
) -> ChildState:
    connector_status = status.get("connectorStatus") or {}
    state = (connector_status.get("connector") or {}).get("state")
    failed_tasks = tuple(
        int(task.get("id", 0))
        for task in connector_status.get("tasks") or []
        if task.get("state") == "FAILED"
    )
    ready_condition = _condition(status, "Ready")
    current = status.get("observedGeneration") == generation
    is_ready = bool(
        ready_condition
        and ready_condition.get("status") == "True"
        and current
        and state == "RUNNING"
        and not failed_tasks
    )
    annotations = meta.get("annotations") or {}
    pending = (
        c.STRIMZI_RESTART_ANNOTATION in annotations
        or c.STRIMZI_RESTART_TASK_ANNOTATION in annotations
    )
    failed = state == "FAILED" or bool(failed_tasks)
    trace = (connector_status.get("connector") or {}).get("trace", "")
    message = str(trace).splitlines()[0] if trace else ""
    return ChildState(
        *ident,
        ready=is_ready,
        failed=failed,
        state=state,
        message=message,
        failed_tasks=failed_tasks,
        restart_pending=pending,
    )


def _condition(status: Mapping[str, Any], type_: str) -> Mapping[str, Any] | None:
    for condition in status.get("conditions") or []:
        if condition.get("type") == type_:
            return condition  # type: ignore[no-any-return]
    return None
