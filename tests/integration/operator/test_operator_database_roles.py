"""Each context's database role on a real API server (ADR 0053): its Secret, written once; the
CloudNativePG roles and schema owners as the server stores them; who logs in with what."""

from __future__ import annotations

import base64
from typing import Any

from lightkube import ApiError, Client
from lightkube.resources.core_v1 import Secret

from integration.operator.kube_support import (
    children,
    create_platform,
    eventually,
    sample_body,
)
from integration.operator.operator_runner import start_operator
from localinfra.kube import ControlPlane
from shopkeeper import kinds
from shopkeeper.kinds import ChildKind
from shopkeeper.topics import CONTEXTS

TIMEOUT = 120.0


def _role_secrets(kube: Client, namespace: str) -> dict[str, Any]:
    found = {}
    for context in CONTEXTS:
        try:
            found[context] = kube.get(Secret, f"shop-db-{context}", namespace=namespace)
        except ApiError as err:
            if err.status.code != 404:
                raise
            return {}  # not yet
    return found


def _child(kube: Client, kind: ChildKind, name: str, namespace: str) -> Any:
    """The live child `name` of platform `shop`, once the operator has written it."""
    return eventually(
        lambda: children(kube, kind, "shop", namespace).get(name), timeout=TIMEOUT, what=name
    )


def _env(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e for e in container["env"]}


def test_each_context_gets_a_role_secret_once_and_its_processes_log_in_with_it(
    kube: Client, namespace: str, shop_cluster: ControlPlane
) -> None:
    create_platform(kube, sample_body("shop", namespace))
    first = start_operator(shop_cluster, namespace)
    with first.runner:
        secrets = eventually(
            lambda: _role_secrets(kube, namespace), timeout=TIMEOUT, what="six role Secrets"
        )
        cluster = _child(kube, kinds.PG_CLUSTER, "shop-db", namespace)
        database = _child(kube, kinds.PG_DATABASE, "shop-database", namespace)
        api = _child(kube, kinds.DEPLOYMENT, "shop-payment-api", namespace)
        [job] = eventually(
            lambda: list(children(kube, kinds.JOB, "shop", namespace).values()),
            timeout=TIMEOUT,
            what="the migrations Job",
        )
    passwords = {}
    for context, secret in secrets.items():
        assert secret.type == "kubernetes.io/basic-auth"
        assert secret.metadata.labels["cnpg.io/reload"] == "true"
        data = {k: base64.b64decode(v).decode() for k, v in (secret.data or {}).items()}
        assert data["username"] == f"shop_{context}"
        assert len(data["password"]) >= 24
        passwords[context] = data["password"]
    assert len(set(passwords.values())) == len(CONTEXTS)

    roles = {role["name"]: role for role in cluster["spec"]["managed"]["roles"]}
    for context in CONTEXTS:
        assert roles[f"shop_{context}"]["passwordSecret"] == {"name": f"shop-db-{context}"}
    assert roles["shop"]["inRoles"] == [f"shop_{c}" for c in CONTEXTS]
    owners = {s["name"]: s["owner"] for s in database["spec"]["schemas"]}
    assert owners == {c: f"shop_{c}" for c in CONTEXTS}
    # As CloudNativePG's CRD keeps it: the catalog's pgvector, created by CNPG (ADR 0052).
    assert database["spec"]["extensions"] == [
        {"name": "vector", "ensure": "present", "schema": "public"}
    ]

    [main] = api["spec"]["template"]["spec"]["containers"]
    assert _env(main)["SHOP_DATABASE_PASSWORD"]["valueFrom"]["secretKeyRef"] == {
        "name": "shop-db-payment",
        "key": "password",
    }
    assert "SHOP_DATABASE_ADMIN_URL" not in _env(main)
    for container in job["spec"]["template"]["spec"]["containers"]:
        env = _env(container)
        context = container["command"][2]
        assert container["command"] == ["shop", "migrate", context, "--roles", "adopt"]
        assert env["SHOP_DATABASE_USER"]["valueFrom"]["secretKeyRef"]["name"] == (
            f"shop-db-{context}"
        )
        assert env["SHOP_DATABASE_ADMIN_URL"]["valueFrom"]["secretKeyRef"]["name"] == "shop-db-app"

    second = start_operator(shop_cluster, namespace)  # a restart: nothing is rewritten
    with second.runner:
        eventually(
            lambda: "shopkeeper_reconcile_duration_seconds_count" in second.metrics(),
            timeout=TIMEOUT,
            what="a reconcile by the restarted operator",
        )
        again = _role_secrets(kube, namespace)
    assert {c: s.metadata.resourceVersion for c, s in again.items()} == {
        c: s.metadata.resourceVersion for c, s in secrets.items()
    }
