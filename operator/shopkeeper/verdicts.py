"""Why a platform is or is not Ready: errors (Degraded) first, then what it waits for (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shopkeeper import kinds
from shopkeeper.conditions import Verdict
from shopkeeper.observation import Observation, Problem
from shopkeeper.readiness import ChildState
from shopkeeper.rollout import Rollout

MAX_LISTED = 4


@dataclass(frozen=True)
class Verdicts:
    """The platform's four conditions, by name."""

    ready: Verdict
    progressing: Verdict
    degraded: Verdict
    migrations: Verdict

    def conditions(self) -> list[Verdict]:
        """Ready, Progressing, Degraded, MigrationsComplete, in that order."""
        return [self.ready, self.progressing, self.degraded, self.migrations]


def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


States = Mapping[kinds.ChildKind, list[ChildState | None]]
"""Per kind, the live state of each desired child (None: not seen yet)."""

_GATES = (
    (kinds.PG_CLUSTER, "DatabaseNotReady"),
    (kinds.PG_DATABASE, "DatabaseNotReady"),
    (kinds.KAFKA_TOPIC, "TopicsNotReady"),
    (kinds.KAFKA_CONNECT, "ConnectNotReady"),
    (kinds.KAFKA_CONNECTOR, "ConnectorsNotReady"),
)


def _errors(obs: Observation, states: States, failed_connectors: list[str]) -> list[Problem]:
    rollout = obs.rollout
    errors = list(obs.problems)
    if obs.connect is not None:
        errors += obs.connect.problems
    if rollout.job_state == "failed":
        detail = rollout.job_message or "see its pod logs"
        errors.append(
            Problem(
                "MigrationsFailed",
                f"migrations Job {rollout.job_name} failed"
                f" ({detail}); change the image or delete the Job to retry",
            )
        )
    if failed_connectors:
        errors.append(
            Problem(
                "ConnectorFailed",
                f"{'connector' if obs.connect else 'KafkaConnector'} FAILED: "
                f"{_listing(failed_connectors)} (restarts are requested)",
            )
        )
    failed_topics = [s.name for s in states[kinds.KAFKA_TOPIC] if s and s.failed]
    if failed_topics:
        errors.append(
            Problem("TopicsFailed", f"Strimzi reports errors on {_listing(failed_topics)}")
        )
    return errors


def _waits(obs: Observation, states: States) -> list[Problem]:
    rollout = obs.rollout
    waits: list[Problem] = []
    if not rollout.migrations_complete:
        waits.append(
            Problem(
                "MigrationsRunning",
                f"migrations Job {rollout.job_name} for"
                f" {rollout.target_image} has not completed; the rollout waits",
            )
        )
    deployments = states[kinds.DEPLOYMENT]
    if None in deployments:
        missing = sum(1 for s in deployments if s is None)
        waits.append(Problem("DeploymentsMissing", f"{missing} Deployments not created yet"))
    pods = [
        f"{s.name.removeprefix(obs.platform + '-')} {s.ready_replicas}/{s.desired}"
        for s in deployments
        if s is not None and not s.ready
    ]
    if pods:
        waits.append(Problem("DeploymentsNotReady", f"waiting for ready pods: {_listing(pods)}"))
    for kind, reason in _GATES:
        pending = [s for s in states[kind] if s is None or not s.ready]
        if pending:
            total = len(states[kind])
            waits.append(Problem(reason, f"{total - len(pending)}/{total} {kind.kind} ready"))
    if obs.connect is not None:
        connectors = obs.connect.connectors
        starting = [f"{r.name} {r.state}" for r in connectors if not r.ready]
        if starting:
            waits.append(
                Problem(
                    "ConnectorsNotReady",
                    f"{len(connectors) - len(starting)}/{len(connectors)} connectors RUNNING in "
                    f"Kafka Connect; waiting for {_listing(starting)}",
                )
            )
    return waits


def _migrations(rollout: Rollout) -> Verdict:
    if rollout.migrations_complete:
        return Verdict(
            "MigrationsComplete",
            True,
            "MigrationsSucceeded",
            f"schemas migrated for {rollout.migrated_image}",
        )
    if rollout.job_state == "failed":
        return Verdict(
            "MigrationsComplete",
            False,
            "MigrationsFailed",
            f"Job {rollout.job_name} failed: {rollout.job_message or 'see its logs'}",
        )
    return Verdict(
        "MigrationsComplete",
        False,
        "MigrationsRunning",
        f"Job {rollout.job_name} migrates the schemas for {rollout.target_image}",
    )


def verdicts(obs: Observation, states: States, failed_connectors: list[str]) -> Verdicts:
    """Ready, Progressing, Degraded and MigrationsComplete from the errors, then the waits."""
    errors = _errors(obs, states, failed_connectors)
    waits = _waits(obs, states)
    migrations = _migrations(obs.rollout)
    if errors:
        first = errors[0]
        return Verdicts(
            Verdict("Ready", False, first.reason, first.message),
            Verdict("Progressing", False, first.reason, "blocked: " + first.message),
            Verdict("Degraded", True, first.reason, "; ".join(e.message for e in errors)),
            migrations,
        )
    if waits:
        first = waits[0]
        return Verdicts(
            Verdict("Ready", False, first.reason, first.message),
            Verdict("Progressing", True, first.reason, "; ".join(w.message for w in waits)),
            Verdict("Degraded", False, "AsExpected", "no errors"),
            migrations,
        )
    return Verdicts(
        Verdict("Ready", True, "AllComponentsReady", "every component is ready"),
        Verdict("Progressing", False, "Stable", "nothing left to roll out"),
        Verdict("Degraded", False, "AsExpected", "no errors"),
        migrations,
    )
