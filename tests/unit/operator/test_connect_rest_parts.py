"""Outbox mode connect-rest, its pure parts: connector configs, Connect's answers, the status."""

from typing import Any

import pytest

from shop.common.debezium import outbox_connector_config
from shopkeeper.api import PlatformStatus
from shopkeeper.builders.connect_rest import rest_connector_configs
from shopkeeper.builders.platform import build_all
from shopkeeper.connect_api import ConnectApiError, TaskState, parse_connectors
from shopkeeper.connect_rest import connectors_go_with_the_platform, failure_of, trace_summary
from shopkeeper.observation import ChildKey, ConnectorReport, ConnectReport, Observation, Problem
from shopkeeper.readiness import ChildState
from shopkeeper.rollout import decide_rollout
from shopkeeper.status import compute_status
from shopkeeper.topics import publishing_contexts
from unit.operator.operator_support import build_input, by_kind, spec_from

TARGET = "ghcr.io/shopkeeper/shopkeeper:1.0.0"
REST: dict[str, Any] = {"mode": "connect-rest", "connectRest": {"url": "http://connect:8083"}}
EXTERNAL = {
    "mode": "external",
    "external": {"host": "pg.internal", "port": 6432, "credentialsSecret": "pg"},
}
TRACE = (
    "org.apache.kafka.connect.errors.ConnectException: Non-retriable failure; failing task.\n"
    "\tat io.debezium.connector.postgresql.PostgresConnectorTask.start(X.java:120)\n"
    'Caused by: org.postgresql.util.PSQLException: FATAL: role "relay" is not permitted to log in\n'
    "\tat org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(Y.java:1)\n"
)


def test_one_connector_per_publishing_context_with_the_messaging_core_config() -> None:
    inp = build_input(spec_from(outbox=REST, database=EXTERNAL))
    configs = rest_connector_configs(inp, ("shop", "pw"))
    assert sorted(configs) == sorted(f"shop-ns-shop-{c}-outbox" for c in publishing_contexts())
    assert configs["shop-ns-shop-payment-outbox"] == outbox_connector_config(
        schema="payment",
        database_host="pg.internal",
        database_port=6432,
        database_name="shop",
        database_user="shop",
        database_password="pw",
        connector_name="shop-ns-shop-payment-outbox",
        topic_prefix="shopkeeper.shop",
    )


def test_the_connect_workers_reach_a_cnpg_database_by_its_full_service_name() -> None:
    inp = build_input(spec_from(outbox=REST))
    config = rest_connector_configs(inp, ("u", "p"))["shop-ns-shop-catalog-outbox"]
    assert config["database.hostname"] == "shop-db-rw.shop-ns.svc"
    override = {
        **REST,
        "connectRest": {**REST["connectRest"], "databaseHost": "10.0.0.5", "databasePort": 15432},
    }
    config = rest_connector_configs(build_input(spec_from(outbox=override)), ("u", "p"))[
        "shop-ns-shop-catalog-outbox"
    ]
    assert (config["database.hostname"], config["database.port"]) == ("10.0.0.5", "15432")


def test_the_mode_creates_no_kubernetes_connectors_and_keeps_rows_out_of_the_outbox() -> None:
    manifests = build_all(build_input(spec_from(outbox=REST)))
    assert not by_kind(manifests, "KafkaConnector")
    assert not by_kind(manifests, "KafkaConnect")
    assert not [n for n in by_kind(manifests, "Deployment") if n.endswith("-relay")]
    config = by_kind(manifests, "ConfigMap")["shop-config"]["data"]
    assert config["SHOP_OUTBOX_MODE"] == "debezium"
    cluster = by_kind(manifests, "Cluster")["shop-db"]
    roles = {role["name"]: role for role in cluster["spec"]["managed"]["roles"]}
    assert roles["shop"]["replication"] is True  # the owner, as whom Debezium logs in


def test_relay_mode_tells_the_services_to_keep_rows_for_the_relay() -> None:
    config = by_kind(build_all(build_input(spec_from())), "ConfigMap")["shop-config"]["data"]
    assert config["SHOP_OUTBOX_MODE"] == "relay"


def test_connect_listing_is_parsed_with_tasks_in_order() -> None:
    body = {
        "c1": {
            "info": {"name": "c1", "config": {"name": "c1", "tasks.max": "1"}},
            "status": {
                "connector": {"state": "RUNNING"},
                "tasks": [
                    {"id": 1, "state": "FAILED", "trace": TRACE},
                    {"id": 0, "state": "RUNNING"},
                ],
            },
        }
    }
    [info] = parse_connectors(body).values()
    assert info.config == {"name": "c1", "tasks.max": "1"}
    assert [t.id for t in info.tasks] == [0, 1]
    failure = failure_of(info)
    assert failure is not None
    assert failure.startswith("task 1: org.apache.kafka.connect.errors.ConnectException")
    assert 'caused by org.postgresql.util.PSQLException: FATAL: role "relay"' in failure


def test_trace_summary_keeps_the_first_line_and_the_root_cause() -> None:
    assert trace_summary(None) is None
    assert trace_summary("java.lang.IllegalStateException: boom\n\tat x") == (
        "java.lang.IllegalStateException: boom"
    )


def _status(report: ConnectReport, previous: PlatformStatus | None = None) -> PlatformStatus:
    spec = spec_from(outbox=REST, kafka={"bootstrapServers": "k:9092"})
    rollout = decide_rollout(
        target_image=TARGET, previously_migrated=TARGET, job_name="j", job=None
    )
    desired = build_all(build_input(spec))
    live: dict[ChildKey, ChildState] = {
        ("ConfigMap", "shop-config"): ChildState("ConfigMap", "shop-config", "u", "rv1", ready=True)
    }
    obs = Observation("shop", 2, rollout, desired, live, [], report)
    return compute_status(obs, previous or PlatformStatus(), "2026-03-03T00:00:00Z")


RUNNING = (TaskState(0, "RUNNING"),)


def test_failed_connector_degrades_the_platform_and_its_error_is_kept_after_recovery() -> None:
    failed = ConnectReport(
        connectors=[
            ConnectorReport("a", "RUNNING", (TaskState(0, "FAILED"),), "task 0: boom", True),
            ConnectorReport("b", "RUNNING", RUNNING),
        ],
        restarted=["a"],
    )
    status = _status(failed)
    degraded = status.condition("Degraded")
    assert degraded is not None
    assert (degraded.status, degraded.reason) == ("True", "ConnectorFailed")
    assert status.connectors is not None
    assert (status.connectors.desired, status.connectors.ready) == (2, 1)
    assert status.connectors.failed == ["a"]
    detail = status.connectors.details[0]
    assert (detail.state, detail.tasks[0].state, detail.last_error) == (
        "RUNNING",
        "FAILED",
        "task 0: boom",
    )
    assert (detail.restarts, detail.last_restart_time) == (1, "2026-03-03T00:00:00Z")
    recovered = _status(
        ConnectReport(
            connectors=[
                ConnectorReport("a", "RUNNING", RUNNING),
                ConnectorReport("b", "RUNNING", RUNNING),
            ]
        ),
        previous=status,
    )
    assert recovered.connectors is not None
    again = recovered.connectors.details[0]
    assert (again.last_error, again.restarts) == ("task 0: boom", 1)
    assert recovered.connectors.failed == []


@pytest.mark.parametrize("reason", ["ConnectUnreachable", "ConnectorRejected", "SecretUnreadable"])
def test_connect_problems_degrade_the_platform(reason: str) -> None:
    status = _status(ConnectReport(problems=[Problem(reason, "Kafka Connect: refused")]))
    degraded = status.condition("Degraded")
    assert degraded is not None
    assert (degraded.status, degraded.reason) == ("True", reason)
    assert "refused" in degraded.message


def test_starting_connectors_are_waited_for() -> None:
    status = _status(
        ConnectReport(
            connectors=[
                ConnectorReport("a", "UNASSIGNED"),
                ConnectorReport("b", "RUNNING", RUNNING),
            ]
        )
    )
    progressing = status.condition("Progressing")
    assert progressing is not None
    assert (
        "1/2 connectors RUNNING in Kafka Connect; waiting for a UNASSIGNED" in progressing.message
    )


@pytest.mark.parametrize(
    ("spec", "deleted"),
    [
        ({"outbox": {"mode": "connect-rest"}, "deletionPolicy": "Delete"}, True),
        ({"outbox": {"mode": "connect-rest"}, "deletionPolicy": "Retain"}, False),
        ({"outbox": {"mode": "relay"}, "deletionPolicy": "Delete"}, False),
    ],
)
def test_connectors_go_with_the_platform_only_under_delete(
    spec: dict[str, Any], deleted: bool
) -> None:
    assert connectors_go_with_the_platform(spec) is deleted


@pytest.mark.parametrize(
    ("status", "rejected", "rebalancing"),
    [
        (400, True, False),
        (409, False, True),
        (401, False, False),
        (503, False, False),
        (None, False, False),
    ],
)
def test_connect_errors_tell_a_refused_config_from_an_outage(
    status: int | None, rejected: bool, rebalancing: bool
) -> None:
    error = ConnectApiError("PUT /connectors/x/config", status=status)
    assert (error.rejected, error.rebalancing) == (rejected, rebalancing)
