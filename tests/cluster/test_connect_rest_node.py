"""Outbox mode connect-rest on the local node: the migrations Job runs in a pod, the operator
registers the outbox connectors on the host's Kafka Connect worker (Debezium), and a product
created through the catalog API pod reaches Kafka through Debezium, its outbox row deleted at
once (the services run in outbox mode debezium)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from infra.fixtures_identity import IdentityProvider
from infra.fixtures_node import Kubectl
from integration.operator.operator_runner import RunningOperator, run_operator
from localinfra.connect import KafkaConnect
from localinfra.dex import Dex
from localinfra.kafka import KafkaBroker
from localinfra.node_cluster import NodeCluster
from localinfra.node_host import BRIDGE_IP
from localinfra.node_images import BuiltImage
from localinfra.postgres import PostgresServer
from shop.common.consumer.dlq import read_dead_letters
from shop.common.db_role_names import context_role_name
from shop.topology import CONTEXTS
from shopkeeper.crd import crd
from shopkeeper.topics import publishing_contexts
from support.polling import wait_until

NAMESPACE = "connect-rest"
DATABASE, ROLE = "shop_connect_rest", "shop_connect_rest"
SMALL = {"requests": {"cpu": "20m", "memory": "96Mi"}, "limits": {"memory": "256Mi"}}
OFF = {"replicas": 0, "resources": SMALL}


@pytest.fixture(scope="module")
def host_connect(node_kafka: KafkaBroker, infra_workdir: Path) -> Iterator[KafkaConnect]:
    """A Kafka Connect worker with Debezium on the host, on the node's Kafka."""
    connect = KafkaConnect(node_kafka.bootstrap_servers, infra_workdir / "node-connect")
    with connect:
        yield connect


@pytest.fixture(scope="module")
def database(node_postgres: PostgresServer) -> Iterator[str]:
    """A database owned by the external administrator the operator documents (CREATEROLE, to
    make each context's role, ADR 0053; REPLICATION for Debezium); its password, URL-safe."""
    password = uuid.uuid4().hex
    node_postgres.psql(f"CREATE ROLE {ROLE} LOGIN REPLICATION CREATEROLE PASSWORD '{password}'")
    node_postgres.psql(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")
    # As an external database's administrator does: the role may not create pgvector's
    # extension (not a trusted one), which the catalog's migrations need (ADR 0052).
    node_postgres.psql("CREATE EXTENSION vector WITH SCHEMA public", database=DATABASE)
    yield password
    node_postgres.psql(
        "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
        f" WHERE database = '{DATABASE}' AND active"
    )
    node_postgres.psql(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
        f" WHERE database = '{DATABASE}' AND NOT active"
    )
    node_postgres.psql(f"DROP DATABASE {DATABASE} WITH (FORCE)")
    for context in CONTEXTS:
        node_postgres.psql(f"DROP ROLE IF EXISTS {context_role_name(DATABASE, context)}")
    node_postgres.psql(f"DROP ROLE {ROLE}")


@pytest.fixture(scope="module")
def namespace(kubectl: Kubectl, node_image: BuiltImage, database: str) -> Iterator[str]:
    kubectl.apply(crd())
    kubectl("wait", f"crd/{crd()['metadata']['name']}", "--for=condition=Established")
    kubectl.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}})
    kubectl.apply(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "shop-db", "namespace": NAMESPACE},
            "stringData": {"username": ROLE, "password": database},
        }
    )
    yield NAMESPACE
    kubectl("delete", "namespace", NAMESPACE, "--wait=true", "--timeout=180s")


@pytest.fixture(scope="module")
def operator(node_cluster: NodeCluster, namespace: str) -> Iterator[RunningOperator]:
    """The operator on the host (the node tier's chart test runs it in a pod)."""
    settings = {"SHOPKEEPER_CONNECT_POLL_SECONDS": "2"}
    running = run_operator(node_cluster.plane.kubeconfig, namespace=namespace, settings=settings)
    with running.runner:
        yield running


def _platform(
    image: BuiltImage,
    kafka: KafkaBroker,
    postgres: PostgresServer,
    connect: KafkaConnect,
    dex: Dex,
) -> dict[str, Any]:
    repository, tag = image.reference.rsplit(":", 1)
    context = {"api": OFF, "worker": OFF}
    return {
        "apiVersion": "shopkeeper.dev/v1alpha1",
        "kind": "EcommercePlatform",
        "metadata": {"name": "shop", "namespace": NAMESPACE},
        "spec": {
            "image": {"repository": repository, "tag": tag, "pullPolicy": "Never"},
            "services": {
                "catalog": {"api": {"replicas": 1, "resources": SMALL}, "worker": OFF},
                "basket": context,
                "ordering": {"api": OFF, "worker": {"replicas": 1, "resources": SMALL}},
                "payment": context,
                "notification": context,
                "reports": context,
            },
            "kafka": {"bootstrapServers": kafka.bootstrap_servers},
            "outbox": {
                "mode": "connect-rest",
                # The worker runs on the host: it reaches PostgreSQL on 127.0.0.1, pods do not.
                "connectRest": {"url": connect.rest_url, "databaseHost": "127.0.0.1"},
            },
            "database": {
                "mode": "external",
                "name": DATABASE,
                "external": {
                    "host": BRIDGE_IP,
                    "port": postgres.port,
                    "credentialsSecret": "shop-db",
                },
            },
            "auth": {"issuer": dex.issuer},  # the catalog API checks the bridge Dex's tokens
            "deletionPolicy": "Delete",
        },
    }


def _until(probe: Callable[[], Any], *, timeout: float, what: str) -> Any:
    # LookupError: the topic does not exist yet
    ignoring = (httpx.HTTPError, OSError, LookupError)
    return wait_until(probe, within=timeout, what=what, interval=1, ignoring=ignoring)


def _connectors(kubectl: Kubectl) -> dict[str, Any]:
    platform = kubectl.json("-n", NAMESPACE, "get", "ecp", "shop")
    return dict((platform.get("status") or {}).get("connectors") or {})


def test_debezium_through_the_connect_rest_api_publishes_what_a_pod_writes(
    kubectl: Kubectl,
    node_image: BuiltImage,
    node_kafka: KafkaBroker,
    node_postgres: PostgresServer,
    host_connect: KafkaConnect,
    namespace: str,
    operator: RunningOperator,
    node_dex: Dex,
) -> None:
    kubectl.apply(_platform(node_image, node_kafka, node_postgres, host_connect, node_dex))
    jobs = _until(
        lambda: kubectl.json("-n", namespace, "get", "jobs")["items"],
        timeout=60,
        what="the migrations Job",
    )
    job = jobs[0]["metadata"]["name"]
    kubectl("-n", namespace, "wait", f"job/{job}", "--for=condition=Complete", "--timeout=600s")

    connectors = _until(
        lambda: (c := _connectors(kubectl)).get("ready") == len(publishing_contexts()) and c,
        timeout=300,
        what="every outbox connector RUNNING on the host's Connect worker",
    )
    assert {d["state"] for d in connectors["details"]} == {"RUNNING"}
    kubectl(
        "-n", namespace, "wait", "deployment/shop-catalog-api", "--for=condition=Available",
        "--timeout=300s",
    )  # fmt: skip

    service = kubectl.json("-n", namespace, "get", "service", "shop-catalog-api")
    api = f"http://{service['spec']['clusterIP']}"
    admin = IdentityProvider(node_dex).admin().headers  # catalog writes are an admin's
    category = httpx.post(
        f"{api}/categories", json={"slug": "node", "name": "Node"}, headers=admin, timeout=10
    )
    assert category.status_code in (201, 409), category.text
    body = {"name": "Node mug", "category": "node", "price": "9.50", "currency": "EUR"}
    created = httpx.post(f"{api}/products", json=body, headers=admin, timeout=10)
    assert created.status_code == 201, created.text
    product = created.json()["id"]

    def published() -> bool:
        records = asyncio.run(
            read_dead_letters(node_kafka.bootstrap_servers, "shop.catalog.product")
        )
        return any(r.key == product.encode() for r in records)

    _until(published, timeout=120, what=f"product {product} published by Debezium")
    outbox = node_postgres.psql("SELECT count(*) FROM catalog.outbox", DATABASE)
    assert outbox == "0", "outbox mode debezium deletes the rows in the writing transaction"

    kubectl("-n", namespace, "delete", "ecp", "shop", "--wait=true", "--timeout=120s")
    names = json.loads(httpx.get(f"{host_connect.rest_url}/connectors", timeout=10).text)
    assert not [n for n in names if n.startswith(f"{namespace}-")]
