"""k8s/kind installs the versions the tests validate against, the Debezium the project pins, and
the Dex the project pins with the local stack's realm, whose tokens the kind platform checks.
tests/integration/identity/test_kind_dex.py runs that Dex configuration on the real Dex."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import yaml

from localinfra.dex import DEX, dex_ldflags
from localinfra.dex_realm import (
    ADMIN_GROUP,
    API_AUDIENCE,
    DEMO_CLIENT,
    NOTIFICATION_CLIENT,
    SERVICE_GROUP,
    Realm,
    demo_users,
    dex_config,
)
from localinfra.versions import versions
from shopkeeper.api.auth import AuthSpec
from shopkeeper.builders.config import auth_data
from support.kind_dex import KIND, KIND_PLATFORM, KindDex, kind_platform_auth


def script_pin(name: str) -> str:
    found = re.search(rf"^{name}=(\S+)$", (KIND / "operators.sh").read_text(), re.MULTILINE)
    assert found, f"operators.sh pins no {name}"
    return found.group(1)


def test_the_operators_installed_are_the_ones_whose_crds_the_tests_use() -> None:
    assert script_pin("STRIMZI_VERSION") == versions().strimzi
    assert script_pin("CNPG_VERSION") == versions().cnpg


def test_kafka_connect_builds_the_pinned_debezium() -> None:
    documents = yaml.safe_load_all((KIND / "infra" / "kafka-connect.yaml").read_text())
    (connect,) = [doc for doc in documents if doc and doc["kind"] == "KafkaConnect"]
    build = connect["spec"]["build"]
    artifacts = [a for plugin in build["plugins"] for a in plugin["artifacts"]]
    assert {a["version"] for a in artifacts} == {versions().debezium}
    assert build["output"]["image"].endswith(f":{versions().debezium}")


def test_dex_runs_the_image_built_from_the_pinned_dex_as_the_tests_build_it() -> None:
    dex = KindDex.load()
    assert dex.container["image"] == f"shopkeeper/dex:v{versions().dex}"
    dockerfile = (KIND / "dex" / "Dockerfile").read_text()
    # The flags of the binary the local stack and the tests run (localinfra.dex, gobuild).
    assert f'-ldflags "{dex_ldflags()}"' in dockerfile
    assert 'ENV CGO_ENABLED=0 GOFLAGS="-mod=readonly -trimpath -buildvcs=false"' in dockerfile
    assert f"-o /out/dex {DEX.programs[0].package}" in dockerfile
    assert dex.container["args"] == ["serve", dex.config_path()]


def without_secrets(config: dict[str, Any]) -> dict[str, Any]:
    """Dex's configuration without what only differs by where it runs: where it listens, its
    telemetry, and the client secrets (generated per start locally, kind's own on kind)."""
    config = {key: value for key, value in config.items() if key != "telemetry"}
    config["web"] = {k: v for k, v in config["web"].items() if k != "http"}
    config["staticClients"] = [
        {k: v for k, v in client.items() if k not in ("secret", "secretEnv")}
        for client in config["staticClients"]
    ]
    return config


def test_the_kind_realm_is_the_local_stacks_with_the_admin_and_the_demo_customer() -> None:
    config = KindDex.load().config
    realm = Realm(
        config["issuer"],
        ("http://127.0.0.1:8080",),
        dict.fromkeys((API_AUDIENCE, DEMO_CLIENT, NOTIFICATION_CLIENT), "generated"),
        users=demo_users(extra_customers=0),
    )
    assert without_secrets(config) == without_secrets(dex_config(realm, "127.0.0.1:5556"))


def test_the_platform_checks_the_tokens_of_the_kind_dex_and_reaches_it_in_the_cluster() -> None:
    dex, auth = KindDex.load(), kind_platform_auth()
    config = dex.config
    namespace = yaml.safe_load((KIND / "infra" / "kustomization.yaml").read_text())["namespace"]
    assert yaml.safe_load(KIND_PLATFORM.read_text())["metadata"]["namespace"] == namespace
    assert auth["issuer"] == config["issuer"]
    issuer = urlsplit(config["issuer"])
    (port,) = dex.service["spec"]["ports"]
    assert port["targetPort"] == "http"
    (http,) = [p for p in dex.container["ports"] if p["name"] == "http"]
    assert config["web"]["http"] == f"0.0.0.0:{http['containerPort']}"
    in_cluster = f"http://{dex.service['metadata']['name']}.{namespace}.svc:{port['port']}"
    assert auth["jwksUrl"] == f"{in_cluster}{issuer.path}/keys"
    assert auth["tokenUrl"] == f"{in_cluster}{issuer.path}/token"
    assert auth["audience"] == API_AUDIENCE
    assert (auth["adminGroup"], auth["serviceGroup"]) == (ADMIN_GROUP, SERVICE_GROUP)


def test_notification_logs_in_with_the_client_whose_secret_dex_reads() -> None:
    dex, auth = KindDex.load(), kind_platform_auth()
    credentials = dex.secret_data(auth["clientCredentialsSecret"])
    assert credentials["client-id"] == NOTIFICATION_CLIENT
    assert dex.client_secret(NOTIFICATION_CLIENT) == credentials["client-secret"]
    assert dex.client(NOTIFICATION_CLIENT)["clientCredentialsClaims"] == {
        "groups": [auth["serviceGroup"]]
    }


def test_the_operator_points_the_apis_and_notification_at_the_in_cluster_dex() -> None:
    auth = AuthSpec.model_validate(kind_platform_auth())
    data = auth_data(auth)
    assert data["SHOP_AUTH_ISSUER"] == "http://127.0.0.1:5556/dex"
    assert data["SHOP_AUTH_JWKS_URL"] == "http://dex.shop.svc:5556/dex/keys"
    assert auth.token_endpoint() == "http://dex.shop.svc:5556/dex/token"


def test_dex_runs_restricted_and_is_probed_on_its_telemetry_port() -> None:
    dex = KindDex.load()
    pod = dex.deployment["spec"]["template"]["spec"]
    container = dex.container
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    (telemetry,) = [p for p in container["ports"] if p["name"] == "telemetry"]
    assert dex.config["telemetry"]["http"] == f"0.0.0.0:{telemetry['containerPort']}"
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["port"] == "telemetry"
    # The config holds client secrets: a Secret, mounted read-only.
    assert dex.one("Secret", dex.config_secret_name)
    assert container["volumeMounts"][0]["readOnly"] is True
