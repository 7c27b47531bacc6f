from typing import Any

from shopkeeper import kinds
from shopkeeper.connectors import restart_annotation
from shopkeeper.readiness import ChildState, as_of_writes, summarize


def _body(
    status: dict[str, Any],
    *,
    spec: dict[str, Any] | None = None,
    annotations: dict[str, str] | None = None,
    generation: int = 1,
) -> dict[str, Any]:
    meta = {
        "name": "x",
        "uid": "u-1",
        "resourceVersion": "7",
        "generation": generation,
        "annotations": annotations or {},
    }
    return {"metadata": meta, "spec": spec or {}, "status": status}


def test_deployment_is_ready_when_current_and_all_pods_ready() -> None:
    body = _body(
        {"observedGeneration": 1, "readyReplicas": 2, "updatedReplicas": 2}, spec={"replicas": 2}
    )
    state = summarize(kinds.DEPLOYMENT, body)
    assert state.ready
    assert (state.desired, state.ready_replicas) == (2, 2)
    assert state.version == "g1"  # the generation: status updates do not move it
    assert state.uid == "u-1"


def test_deployment_without_pods_is_not_ready() -> None:
    state = summarize(kinds.DEPLOYMENT, _body({"observedGeneration": 1}, spec={"replicas": 1}))
    assert not state.ready
    assert state.ready_replicas == 0


def test_deployment_not_yet_observed_is_not_ready() -> None:
    body = _body(
        {"observedGeneration": 1, "readyReplicas": 1, "updatedReplicas": 1},
        spec={"replicas": 1},
        generation=2,
    )
    assert not summarize(kinds.DEPLOYMENT, body).ready


def test_deployment_mid_rollout_is_not_ready_while_an_old_pod_serves() -> None:
    # One new pod created (updated 1, not ready), the old one still ready: two pods, one ready.
    rolling = _body(
        {"observedGeneration": 1, "replicas": 2, "readyReplicas": 1, "updatedReplicas": 1},
        spec={"replicas": 1},
    )
    rolled = _body(
        {"observedGeneration": 1, "replicas": 1, "readyReplicas": 1, "updatedReplicas": 1},
        spec={"replicas": 1},
    )
    assert not summarize(kinds.DEPLOYMENT, rolling).ready
    assert summarize(kinds.DEPLOYMENT, rolled).ready


def test_job_states() -> None:
    done = _body({"conditions": [{"type": "Complete", "status": "True"}]})
    failed = _body({"conditions": [{"type": "Failed", "status": "True", "message": "backoff"}]})
    assert summarize(kinds.JOB, done).state == "Complete"
    failed_state = summarize(kinds.JOB, failed)
    assert failed_state.failed
    assert failed_state.message == "backoff"
    assert summarize(kinds.JOB, _body({"active": 1})).state == "Running"


def test_topic_ready_and_failed_follow_strimzi_conditions() -> None:
    ready = _body({"observedGeneration": 1, "conditions": [{"type": "Ready", "status": "True"}]})
    broken = _body(
        {
            "observedGeneration": 1,
            "conditions": [{"type": "Ready", "status": "False", "message": "replicas > brokers"}],
        }
    )
    assert summarize(kinds.KAFKA_TOPIC, ready).ready
    state = summarize(kinds.KAFKA_TOPIC, broken)
    assert state.failed
    assert not state.ready
    assert "brokers" in state.message
    assert not summarize(kinds.KAFKA_TOPIC, _body({})).failed


def test_failed_connector_asks_for_a_connector_restart() -> None:
    body = _body(
        {
            "observedGeneration": 1,
            "connectorStatus": {
                "connector": {"state": "FAILED", "trace": "org.x.Boom: no slot\n\tat ..."},
                "tasks": [],
            },
        }
    )
    state = summarize(kinds.KAFKA_CONNECTOR, body)
    assert state.failed
    assert state.message == "org.x.Boom: no slot"
    assert restart_annotation(state) == {"strimzi.io/restart": "true"}


def test_failed_task_of_a_running_connector_asks_for_a_task_restart() -> None:
    body = _body(
        {
            "connectorStatus": {
                "connector": {"state": "RUNNING"},
                "tasks": [{"id": 0, "state": "FAILED"}],
            }
        }
    )
    assert restart_annotation(summarize(kinds.KAFKA_CONNECTOR, body)) == {
        "strimzi.io/restart-task": "0"
    }


def test_pending_restart_is_not_requested_twice() -> None:
    body = _body(
        {"connectorStatus": {"connector": {"state": "FAILED"}}},
        annotations={"strimzi.io/restart": "true"},
    )
    assert restart_annotation(summarize(kinds.KAFKA_CONNECTOR, body)) is None


def test_running_connector_is_ready() -> None:
    body = _body(
        {
            "observedGeneration": 1,
            "conditions": [{"type": "Ready", "status": "True"}],
            "connectorStatus": {"connector": {"state": "RUNNING"}, "tasks": []},
        }
    )
    state = summarize(kinds.KAFKA_CONNECTOR, body)
    assert state.ready
    assert restart_annotation(state) is None


def test_cnpg_database_is_ready_once_applied() -> None:
    assert summarize(kinds.PG_DATABASE, _body({"applied": True})).ready
    assert summarize(kinds.PG_DATABASE, _body({"applied": False, "message": "x"})).failed


def test_objects_without_generation_are_versioned_by_resource_version() -> None:
    body = {"metadata": {"name": "cfg", "uid": "u", "resourceVersion": "42"}}
    assert summarize(kinds.CONFIG_MAP, body).version == "rv42"


def test_a_child_written_since_the_watch_last_showed_it_is_not_ready_yet() -> None:
    # The migrations gate just opened: the Deployment was scaled from 0 to 1 (generation 2),
    # but the watch still shows generation 1 at 0/0 replicas, which summarises as ready.
    scaled = ChildState("Deployment", "shop-catalog-api", "uid-1", "g1", ready=True, desired=0)
    untouched = ChildState("Service", "shop-catalog-api", "uid-2", "rv7", ready=True)
    live = {("Deployment", scaled.name): scaled, ("Service", untouched.name): untouched}
    written = {
        ("Deployment", scaled.name): ("uid-1", "g2"),
        ("Service", untouched.name): ("uid-2", "rv7"),
    }

    seen = as_of_writes(live, written)

    assert not seen[("Deployment", scaled.name)].ready
    assert seen[("Service", untouched.name)] == untouched
    caught_up = {("Deployment", scaled.name): ("uid-1", "g1")}
    assert as_of_writes(live, caught_up)[("Deployment", scaled.name)].ready
