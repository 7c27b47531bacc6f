"""One reconcile of one platform: decide the rollout, apply, prune, restart, write status."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import kopf
from pydantic import ValidationError

from shopkeeper import kinds, kube
from shopkeeper.api import PlatformSpec, PlatformStatus
from shopkeeper.applier import ChildApplier
from shopkeeper.builders.database_roles import build_role_secrets
from shopkeeper.builders.inputs import BuildInput, Manifest, Owner, manifest_name
from shopkeeper.builders.migrations import build_migration_job
from shopkeeper.builders.platform import build_all
from shopkeeper.conditions import Verdict, merge_conditions
from shopkeeper.connect_rest import ConnectRestKeeper
from shopkeeper.connectors import ConnectorRestarter
from shopkeeper.observation import ChildKey, Observation
from shopkeeper.readiness import ChildState, as_of_writes
from shopkeeper.rollout import Rollout, decide_rollout
from shopkeeper.runtime import Runtime
from shopkeeper.status import compute_status

logger = logging.getLogger(__name__)
CONNECT_REST_KIND = "Connector"
"""Metrics label of connectors written through the Connect REST API."""


def utc_now() -> str:
    """RFC 3339 timestamp, seconds precision, as Kubernetes writes them."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class PlatformReconciler:
    """Reconciles one platform; lives as long as the platform's loop."""

    def __init__(self, runtime: Runtime, namespace: str, name: str) -> None:
        self._runtime = runtime
        self._namespace = namespace
        self._name = name
        self._applier = ChildApplier(runtime.client, namespace)
        self._role_secrets: set[str] = set()
        """Role Secrets known to exist (checked again after each resync)."""
        settings = runtime.settings
        self._restarter = ConnectorRestarter(
            runtime.client, namespace, settings.connector_restart_interval_seconds
        )
        self._connect_rest = ConnectRestKeeper(
            runtime.client,
            namespace,
            timeout=settings.request_timeout_seconds,
            restart_interval=settings.connector_restart_interval_seconds,
        )

    def forget(self) -> None:
        """Re-apply every child on the next reconcile (periodic resync)."""
        self._applier.forget()
        self._role_secrets.clear()

    async def close(self) -> None:
        """Release what the reconciler holds (the Connect REST client)."""
        await self._connect_rest.close()

    async def reconcile(self, body: kopf.Body, live: Mapping[ChildKey, ChildState]) -> float | None:
        """Converge the children on the spec and write the status.

        Returns how soon to poll again when something has no watch (a Connect REST API), or
        None. Raises `kopf.TemporaryError(delay=)` when it must come back sooner than the resync
        (a missing CRD, a held-back connector restart) and `kopf.PermanentError` for a spec the
        operator cannot parse (the status says why; the next spec change retries).
        """
        started = time.perf_counter()
        labels = (self._namespace, self._name)
        generation = int(body.metadata.get("generation") or 0)
        previous = PlatformStatus.model_validate(dict(body.get("status") or {}))
        spec = await self._parse(body, generation, previous)
        owner = Owner(self._name, self._namespace, str(body.metadata.uid))
        rollout = _rollout(owner, spec, previous, live)
        build = BuildInput(owner, spec, rollout.running_image, held=rollout.held)
        desired = build_all(build)
        await self._create_role_secrets(build)
        outcome = await self._applier.apply_all(desired, live)
        await self._applier.prune(desired, live, keep_data=spec.deletion_policy == "Retain")
        connectors = [manifest_name(m) for m in desired if m["kind"] == "KafkaConnector"]
        restarted, restart_due = await self._restarter.restart_failed(connectors, live, body)
        connect = None
        # Connectors need the migrated outbox tables; a deleted platform's go with the handler.
        if not build.held and not body.metadata.get("deletionTimestamp"):
            connect = await self._connect_rest.sync(build, body)
        metrics = self._runtime.metrics
        for kind in outcome.writes:
            metrics.child_writes.labels(kind).inc()
        for kind in outcome.drift_repairs:
            metrics.drift_repairs.labels(*labels, kind).inc()
        if connect is not None:
            restarted += connect.restarted
            metrics.child_writes.labels(CONNECT_REST_KIND).inc(connect.writes)
            metrics.drift_repairs.labels(*labels, CONNECT_REST_KIND).inc(connect.drift_repairs)
        if restarted:
            metrics.connector_restarts.labels(*labels).inc(len(restarted))
        seen = as_of_writes(live, self._applier.written())
        observation = Observation(
            self._name, generation, rollout, desired, seen, outcome.problems, connect
        )
        await self._write_status(body, compute_status(observation, previous, utc_now()))
        elapsed = time.perf_counter() - started
        metrics.reconcile_duration.labels(*labels).observe(elapsed)
        logger.debug(
            "reconciled generation %s in %.3fs: %d writes, %d drift repairs",
            generation,
            elapsed,
            len(outcome.writes),
            len(outcome.drift_repairs),
        )
        problems = outcome.problems + (connect.problems if connect else [])
        if problems:
            metrics.reconcile_errors.labels(*labels, problems[0].reason).inc()
        if outcome.missing_dependency:
            raise kopf.TemporaryError(
                outcome.problems[0].message, delay=self._runtime.settings.dependency_retry_seconds
            )
        if restart_due is not None:
            raise kopf.TemporaryError(
                "a FAILED connector waits for its next restart", delay=restart_due
            )
        if connect is None:
            return None
        poll = self._runtime.settings.connect_poll_seconds
        return poll if connect.restart_due is None else min(poll, connect.restart_due)

    async def _create_role_secrets(self, build: BuildInput) -> None:
        """Each context role's Secret, created with a random password if absent (ADR 0053);
        all at once (a platform's first reconcile would otherwise wait six round trips)."""
        known = self._role_secrets
        wanted = [s for s in build_role_secrets(build) if manifest_name(s) not in known]
        created = await asyncio.gather(
            *(kube.create_secret_if_absent(self._runtime.client, secret) for secret in wanted)
        )
        self._runtime.metrics.child_writes.labels(kinds.SECRET.kind).inc(sum(created))
        self._role_secrets.update(manifest_name(secret) for secret in wanted)

    async def _parse(
        self, body: kopf.Body, generation: int, previous: PlatformStatus
    ) -> PlatformSpec:
        try:
            return PlatformSpec.model_validate(dict(body.spec))
        except ValidationError as err:
            message = f"spec rejected by the operator: {err}"
            verdicts = [
                Verdict("Ready", False, "InvalidSpec", message),
                Verdict("Degraded", True, "InvalidSpec", message),
            ]
            status = previous.model_copy(
                update={
                    "observed_generation": generation,
                    "phase": "Degraded",
                    "conditions": merge_conditions(
                        previous.conditions, verdicts, generation=generation, now=utc_now()
                    ),
                }
            )
            await self._write_status(body, status)
            raise kopf.PermanentError(message) from err

    async def _write_status(self, body: kopf.Body, status: PlatformStatus) -> None:
        current = dict(body.get("status") or {})
        if status.model_dump(by_alias=True, mode="json", exclude_none=True) == current:
            return
        wanted: dict[str, Any] = status.model_dump(by_alias=True, mode="json")  # nulls remove
        await kube.patch_platform_status(self._runtime.client, self._name, self._namespace, wanted)


def _rollout(
    owner: Owner, spec: PlatformSpec, previous: PlatformStatus, live: Mapping[ChildKey, ChildState]
) -> Rollout:
    target = spec.image.reference
    job: Manifest = build_migration_job(BuildInput(owner, spec, target))
    job_name = manifest_name(job)
    return decide_rollout(
        target_image=target,
        previously_migrated=previous.image,
        job_name=job_name,
        job=live.get((kinds.JOB.kind, job_name)),
    )
