from shopkeeper import kinds
from shopkeeper.api import PlatformStatus
from shopkeeper.builders.platform import build_all
from shopkeeper.observation import ChildKey, Observation, Problem
from shopkeeper.readiness import ChildState
from shopkeeper.rollout import Rollout, decide_rollout
from shopkeeper.status import compute_status
from unit.operator.operator_support import build_input, by_kind, spec_from

TARGET = "ghcr.io/shopkeeper/shopkeeper:1.0.0"


def _job(state: str) -> ChildState:
    return ChildState(
        "Job",
        "shop-migrate-x",
        "uid-job",
        "g1",
        ready=state == "Complete",
        failed=state == "Failed",
        state=state,
    )


def test_rollout_holds_until_the_first_migration_completes() -> None:
    rollout = decide_rollout(
        target_image=TARGET, previously_migrated=None, job_name="j", job=_job("Running")
    )
    assert rollout.held
    assert rollout.running_image == TARGET
    assert not rollout.migrations_complete


def test_rollout_keeps_the_old_image_while_the_new_migration_runs() -> None:
    rollout = decide_rollout(
        target_image=TARGET, previously_migrated="img:0.9", job_name="j", job=None
    )
    assert rollout.running_image == "img:0.9"
    assert not rollout.held
    assert rollout.job_state == "absent"


def test_rollout_advances_when_the_job_completes() -> None:
    rollout = decide_rollout(
        target_image=TARGET, previously_migrated="img:0.9", job_name="j", job=_job("Complete")
    )
    assert rollout.running_image == TARGET
    assert rollout.migrations_complete


def _observe(
    rollout: Rollout, live: dict[ChildKey, ChildState], problems: list[Problem] | None = None
) -> PlatformStatus:
    spec = spec_from(kafka={"bootstrapServers": "k:9092"})
    desired = build_all(build_input(spec, held=rollout.held, image=rollout.running_image))
    obs = Observation("shop", 3, rollout, desired, live, problems or [])
    return compute_status(obs, PlatformStatus(), "2026-01-01T00:00:00Z")


def _all_ready(rollout: Rollout) -> dict[ChildKey, ChildState]:
    spec = spec_from(kafka={"bootstrapServers": "k:9092"})
    desired = build_all(build_input(spec, image=rollout.running_image))
    live: dict[ChildKey, ChildState] = {}
    for kind_name in (
        "Deployment",
        "Service",
        "ConfigMap",
        "PodDisruptionBudget",
        "Job",
        "Cluster",
        "Database",
    ):
        for name in by_kind(desired, kind_name):
            live[(kind_name, name)] = ChildState(
                kind_name,
                name,
                f"uid-{name}",
                "g1",
                ready=True,
                desired=1,
                ready_replicas=1,
                state="Complete",
            )
    return live


def _conditions(status: PlatformStatus) -> dict[str, tuple[str, str]]:
    return {c.type: (c.status, c.reason) for c in status.conditions}


def test_migrating_platform_is_not_ready_and_says_why() -> None:
    rollout = decide_rollout(
        target_image=TARGET, previously_migrated=None, job_name="j", job=_job("Running")
    )
    status = _observe(
        rollout,
        {
            ("ConfigMap", "shop-config"): ChildState(
                "ConfigMap", "shop-config", "uid-cm", "rv1", ready=True
            )
        },
    )
    conditions = _conditions(status)
    assert conditions["Ready"] == ("False", "MigrationsRunning")
    assert conditions["Progressing"] == ("True", "MigrationsRunning")
    assert conditions["Degraded"] == ("False", "AsExpected")
    assert conditions["MigrationsComplete"] == ("False", "MigrationsRunning")
    assert status.phase == "Progressing"
    assert status.observed_generation == 3
    assert all(c.observed_generation == 3 for c in status.conditions)
    assert status.version is None


def test_deployments_without_pods_keep_ready_false() -> None:
    rollout = decide_rollout(
        target_image=TARGET, previously_migrated=TARGET, job_name="j", job=None
    )
    live = _all_ready(rollout)
    key = (kinds.DEPLOYMENT.kind, "shop-basket-api")
    live[key] = ChildState(
        "Deployment", "shop-basket-api", "uid-d", "g2", ready=False, desired=1, ready_replicas=0
    )
    status = _observe(rollout, live)
    ready = status.condition("Ready")
    assert ready is not None
    assert ready.reason == "DeploymentsNotReady"
    assert "basket-api 0/1" in ready.message
    assert status.version == "1.0.0"
    component = next(c for c in status.components if c.name == "basket-api")
    assert (component.desired, component.ready) == (1, 0)


def test_everything_ready_makes_the_platform_ready() -> None:
    rollout = decide_rollout(
        target_image=TARGET, previously_migrated=TARGET, job_name="j", job=None
    )
    status = _observe(rollout, _all_ready(rollout))
    assert _conditions(status)["Ready"] == ("True", "AllComponentsReady")
    assert status.phase == "Ready"


def test_failed_migration_degrades_the_platform() -> None:
    rollout = decide_rollout(
        target_image=TARGET, previously_migrated="img:0.9", job_name="j", job=_job("Failed")
    )
    status = _observe(rollout, _all_ready(rollout))
    assert _conditions(status)["Degraded"] == ("True", "MigrationsFailed")
    assert status.phase == "Degraded"
    assert status.image == "img:0.9"


def test_missing_dependency_is_reported_as_degraded() -> None:
    rollout = decide_rollout(
        target_image=TARGET, previously_migrated=TARGET, job_name="j", job=None
    )
    problem = Problem("DependencyMissing", "KafkaTopic is not served: install Strimzi")
    status = _observe(rollout, _all_ready(rollout), [problem])
    degraded = status.condition("Degraded")
    assert degraded is not None
    assert degraded.status == "True"
    assert "install Strimzi" in degraded.message


def test_unchanged_condition_keeps_its_transition_time() -> None:
    rollout = decide_rollout(target_image=TARGET, previously_migrated=None, job_name="j", job=None)
    first = _observe(rollout, {})
    spec = spec_from(kafka={"bootstrapServers": "k:9092"})
    desired = build_all(build_input(spec, held=True))
    obs = Observation("shop", 4, rollout, desired, {}, [])
    second = compute_status(obs, first, "2026-02-02T00:00:00Z")
    assert [c.last_transition_time for c in second.conditions] == ["2026-01-01T00:00:00Z"] * 4
    assert second.phase == "Pending"
