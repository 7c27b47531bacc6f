"""Outbox mode connect-rest on the real thing: the operator (with its own RBAC) registers the
outbox connectors on a real Kafka Connect worker with Debezium, streaming from a real PostgreSQL;
it repairs them after out-of-band changes, restarts a task that really FAILED, reports it all in
the platform's status, and deletes them with the platform under `deletionPolicy: Delete`."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from lightkube import ApiError, Client
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.core_v1 import Event, Secret

from integration.operator.kube_support import (
    children,
    complete_job_pods,
    condition,
    create_platform,
    eventually,
    get_platform,
    sample_body,
)
from integration.operator.operator_runner import RunningOperator, run_operator
from localinfra.connect import KafkaConnect
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from shop.common.debezium import outbox_connector_config, replication_names
from shop.common.migrations import TEMPLATE_DIR, upgrade
from shopkeeper import kinds
from shopkeeper.kube import platform_class
from shopkeeper.topics import publishing_contexts

TIMEOUT = 120.0  # five Debezium connectors start on one worker
SETTINGS = {
    "SHOPKEEPER_CONNECT_POLL_SECONDS": "1",
    "SHOPKEEPER_CONNECTOR_RESTART_INTERVAL_SECONDS": "2",
}


@dataclass(frozen=True)
class ShopDatabase:
    """A database owned by a role of its own, with the outbox of every publishing context."""

    name: str
    role: str
    password: str


@pytest.fixture
def shop_database(postgres: PostgresServer) -> Iterator[ShopDatabase]:
    suffix = uuid.uuid4().hex[:8]
    db = ShopDatabase(f"connect_{suffix}", f"relay_{suffix}", f"pw-{uuid.uuid4().hex}")
    postgres.psql(f"CREATE ROLE {db.role} LOGIN REPLICATION PASSWORD '{db.password}'")
    postgres.psql(f"CREATE DATABASE {db.name} OWNER {db.role}")
    url = f"postgresql+psycopg://{db.role}:{db.password}@{postgres.host}:{postgres.port}/{db.name}"
    for context in publishing_contexts():  # the outbox tables the migrations Job would create
        upgrade(context, url, script_location=TEMPLATE_DIR)
    yield db
    postgres.psql(f"ALTER ROLE {db.role} LOGIN")
    postgres.psql(
        "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
        f" WHERE database = '{db.name}' AND active"
    )
    postgres.psql(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
        f" WHERE database = '{db.name}' AND NOT active"
    )
    postgres.psql(f"DROP DATABASE {db.name} WITH (FORCE)")
    postgres.psql(f"DROP ROLE {db.role}")


@pytest.fixture
def connect_rest_operator(operator_kubeconfig: Path, namespace: str) -> Iterator[RunningOperator]:
    """The operator with the ServiceAccount of k8s/operator (its RBAC must allow the Secrets)."""
    running = run_operator(operator_kubeconfig, namespace=namespace, settings=SETTINGS)
    with running.runner:
        yield running


@pytest.fixture
def connect(
    kafka_connect: KafkaConnect, namespace: str, shop_database: ShopDatabase
) -> Iterator[KafkaConnect]:
    """The session's Connect worker; the test's connectors are removed after it (before its
    database goes: a database with replication slots cannot be dropped)."""
    yield kafka_connect
    for name in _connectors(kafka_connect, namespace):
        kafka_connect.delete_connector(name)


def _connectors(connect: KafkaConnect, namespace: str) -> list[str]:
    names: list[str] = httpx.get(f"{connect.rest_url}/connectors", timeout=10).json()
    return [name for name in names if name.startswith(f"{namespace}-")]


@dataclass(frozen=True)
class RestShop:
    """What a test of the mode works with: the API server, the real Connect and PostgreSQL."""

    kube: Client
    namespace: str
    kafka: KafkaBroker
    connect: KafkaConnect
    postgres: PostgresServer
    db: ShopDatabase
    operator: RunningOperator

    def create(self, deletion_policy: str) -> None:
        """The database Secret and a platform in mode connect-rest; its migrations done."""
        secret = {"username": self.db.role, "password": self.db.password}
        self.kube.create(
            Secret(
                metadata=ObjectMeta(name="shop-pg", namespace=self.namespace),
                data={k: base64.b64encode(v.encode()).decode() for k, v in secret.items()},
            )
        )
        body = sample_body(
            "shop",
            self.namespace,
            kafka={"bootstrapServers": self.kafka.bootstrap_servers},
            outbox={"mode": "connect-rest", "connectRest": {"url": self.connect.rest_url}},
            database={
                "mode": "external",
                "name": self.db.name,
                "external": {
                    "host": self.postgres.host,
                    "port": self.postgres.port,
                    "credentialsSecret": "shop-pg",
                },
            },
            deletionPolicy=deletion_policy,
        )
        create_platform(self.kube, body)
        _migrate(self.kube, self.namespace)


@pytest.fixture
def shop(
    kube: Client,
    namespace: str,
    kafka: KafkaBroker,
    connect: KafkaConnect,
    postgres: PostgresServer,
    shop_database: ShopDatabase,
    connect_rest_operator: RunningOperator,
) -> RestShop:
    return RestShop(kube, namespace, kafka, connect, postgres, shop_database, connect_rest_operator)


def _migrate(kube: Client, namespace: str) -> None:
    """Play the kubelet for the migrations Job (the fixture migrated the schemas already)."""
    [job] = eventually(
        lambda: list(children(kube, kinds.JOB, "shop", namespace)),
        timeout=60,
        what="the migrations Job",
    )
    eventually(lambda: complete_job_pods(kube, job, namespace), timeout=60, what="the Job's pod")


def _details(kube: Client, namespace: str) -> dict[str, Any]:
    status = get_platform(kube, "shop", namespace).get("status") or {}
    connectors = status.get("connectors") or {}
    return {d["name"]: d for d in connectors.get("details", [])}


def _all_running(kube: Client, namespace: str) -> bool:
    details = _details(kube, namespace)
    return len(details) == len(publishing_contexts()) and all(
        d["state"] == "RUNNING" and d["tasks"] and all(t["state"] == "RUNNING" for t in d["tasks"])
        for d in details.values()
    )


def _config(connect: KafkaConnect, name: str) -> dict[str, str]:
    response = httpx.get(f"{connect.rest_url}/connectors/{name}/config", timeout=10)
    return response.json() if response.status_code == 200 else {}


def test_connectors_are_registered_repaired_restarted_and_reported(shop: RestShop) -> None:
    kube, namespace, connect, postgres, db = (
        shop.kube,
        shop.namespace,
        shop.connect,
        shop.postgres,
        shop.db,
    )
    shop.create("Delete")

    # Registered with the messaging core's config, credentials from the Secret.
    eventually(
        lambda: _all_running(kube, namespace),
        timeout=TIMEOUT,
        what="five connectors RUNNING in the platform's status",
    )
    ordering = f"{namespace}-shop-ordering-outbox"
    assert _config(connect, ordering) == outbox_connector_config(
        schema="ordering",
        database_host=postgres.host,
        database_port=postgres.port,
        database_name=db.name,
        database_user=db.role,
        database_password=db.password,
        connector_name=ordering,
        topic_prefix="shopkeeper.shop",
    )
    connectors = get_platform(kube, "shop", namespace)["status"]["connectors"]
    assert (connectors["desired"], connectors["ready"], connectors["failed"]) == (5, 5, [])
    progressing = condition(get_platform(kube, "shop", namespace), "Progressing")
    assert "ConnectorsNotReady" not in progressing["reason"]
    assert "connectors RUNNING" not in progressing["message"]

    # Drift: deleted out of band, and reconfigured out of band.
    payment, catalog = f"{namespace}-shop-payment-outbox", f"{namespace}-shop-catalog-outbox"
    connect.delete_connector(payment)
    changed = {**_config(connect, catalog), "poll.interval.ms": "5000"}
    connect.create_connector(catalog, changed)
    eventually(lambda: _config(connect, payment), timeout=60, what=f"{payment} registered again")
    eventually(
        lambda: _config(connect, catalog).get("poll.interval.ms") == "10",
        timeout=60,
        what=f"{catalog}'s config put back",
    )
    eventually(
        lambda: 'kind="Connector"' in shop.operator.metrics(),
        timeout=30,
        what="connector drift repairs counted",
    )
    eventually(lambda: _all_running(kube, namespace), timeout=TIMEOUT, what="all RUNNING again")

    # A task that really FAILS: its role may no longer log in and its session is cut.
    slot = replication_names("ordering")
    postgres.psql(f"ALTER ROLE {db.role} NOLOGIN")
    postgres.psql(
        "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
        f" WHERE slot_name = '{slot}'"
    )

    def failed_in_status() -> Any:
        platform = get_platform(kube, "shop", namespace)
        detail = _details(kube, namespace).get(ordering) or {}
        degraded = condition(platform, "Degraded") or {}
        failed = ordering in platform["status"]["connectors"]["failed"]
        return failed and degraded.get("reason") == "ConnectorFailed" and detail

    detail = eventually(failed_in_status, timeout=TIMEOUT, what=f"{ordering} FAILED in status")
    assert "not permitted to log in" in (detail.get("lastError") or ""), detail

    postgres.psql(f"ALTER ROLE {db.role} LOGIN")
    eventually(lambda: _all_running(kube, namespace), timeout=TIMEOUT, what="restarted, RUNNING")
    recovered = _details(kube, namespace)[ordering]
    assert recovered["restarts"] >= 1
    assert recovered["lastRestartTime"]
    assert "not permitted to log in" in recovered["lastError"]  # kept for people to see

    def ordering_restart_event() -> Any:
        events: Any = kube.list(Event, namespace=namespace)
        restarted = [e.message for e in events if e.reason == "ConnectorRestarted"]
        # Every connector shares the revoked role, so others may be restarted too.
        return next((message for message in restarted if ordering in message), None)

    message = eventually(ordering_restart_event, timeout=30, what=f"{ordering} restarted")
    assert "restarted it through the Connect REST API" in message

    # deletionPolicy Delete: the connectors go with the platform.
    kube.delete(platform_class(), "shop", namespace=namespace)
    eventually(
        lambda: not _connectors(connect, namespace),
        timeout=60,
        what="the platform's connectors deleted from Kafka Connect",
    )


def test_retain_leaves_the_connectors_registered(shop: RestShop) -> None:
    kube, namespace, connect = shop.kube, shop.namespace, shop.connect
    shop.create("Retain")
    eventually(
        lambda: len(_connectors(connect, namespace)) == len(publishing_contexts()),
        timeout=TIMEOUT,
        what="the connectors registered",
    )
    kube.delete(platform_class(), "shop", namespace=namespace)

    def platform_gone() -> bool:
        try:
            get_platform(kube, "shop", namespace)
        except ApiError as err:
            return err.status.code == 404
        return False

    eventually(platform_gone, timeout=60, what="the platform deleted")
    # They keep the replication slots consumed; a platform created again adopts them.
    assert len(_connectors(connect, namespace)) == len(publishing_contexts())
