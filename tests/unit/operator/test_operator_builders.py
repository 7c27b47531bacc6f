from collections import Counter
from typing import Any

from shop.common.debezium import outbox_connector_config
from shopkeeper import constants as c
from shopkeeper.builders.database_roles import build_role_secrets
from shopkeeper.builders.platform import build_all
from shopkeeper.topics import CONTEXTS, publishing_contexts
from unit.operator.operator_support import OWNER, build_input, by_kind, sample_spec, spec_from


def _containers(deployment: dict[str, Any]) -> list[dict[str, Any]]:
    return deployment["spec"]["template"]["spec"]["containers"]  # type: ignore[no-any-return]


def test_sample_platform_builds_every_kind_of_child() -> None:
    kinds = Counter(m["kind"] for m in build_all(build_input(sample_spec())))
    assert kinds["Deployment"] == 2 * len(CONTEXTS)  # debezium mode: no relays
    assert kinds["Service"] == kinds["PodDisruptionBudget"] == 2 * len(CONTEXTS)
    assert kinds["KafkaConnector"] == len(publishing_contexts())
    expected_once = (
        "ConfigMap",
        "Job",
        "KafkaConnect",
        "Cluster",
        "Database",
        "ServiceMonitor",
        "PrometheusRule",
        "Ingress",
        "HorizontalPodAutoscaler",
        "ScaledObject",
    )
    assert all(kinds[k] == 1 for k in expected_once), kinds
    assert kinds["KafkaTopic"] == 18  # 8 topics and 10 DLQs (catalog reads order events too)


def test_every_child_is_labelled_for_pruning_and_named_after_the_platform() -> None:
    for manifest in build_all(build_input(sample_spec())):
        meta = manifest["metadata"]
        assert meta["labels"][c.PLATFORM_LABEL] == "shop", meta["name"]
        assert meta["labels"][c.MANAGED_BY_LABEL] == "shopkeeper"
        assert meta["namespace"] == OWNER.namespace
        assert meta["name"].startswith("shop-")


def test_retain_policy_leaves_topics_and_database_without_owner() -> None:
    manifests = build_all(build_input(sample_spec()))
    for manifest in manifests:
        owned = "ownerReferences" in manifest["metadata"]
        data = manifest["kind"] in ("KafkaTopic", "Cluster", "Database")
        assert owned != data, manifest["metadata"]["name"]
    database = by_kind(manifests, "Database")["shop-database"]
    assert database["spec"]["databaseReclaimPolicy"] == "retain"


def test_delete_policy_lets_the_garbage_collector_take_topics_and_database() -> None:
    spec = sample_spec().model_copy(update={"deletion_policy": "Delete"})
    for manifest in build_all(build_input(spec)):
        [owner] = manifest["metadata"]["ownerReferences"]
        assert owner["uid"] == OWNER.uid
        assert owner["controller"] is True


def test_processes_run_the_shop_cli_hardened() -> None:
    deployments = by_kind(build_all(build_input(sample_spec())), "Deployment")
    pod = deployments["shop-ordering-worker"]["spec"]["template"]["spec"]
    [main] = _containers(deployments["shop-ordering-worker"])
    assert main["command"] == ["shop", "run", "ordering-worker"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert main["securityContext"]["readOnlyRootFilesystem"] is True
    assert main["securityContext"]["allowPrivilegeEscalation"] is False
    assert main["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert main["livenessProbe"]["httpGet"]["path"] == c.LIVENESS_PATH
    assert main["readinessProbe"]["httpGet"]["path"] == c.READINESS_PATH
    assert {"name": "tmp", "mountPath": "/tmp"} in main["volumeMounts"]


def test_api_pods_drain_before_their_sigterm_and_workers_stop_at_once() -> None:
    deployments = by_kind(build_all(build_input(sample_spec())), "Deployment")
    [api] = _containers(deployments["shop-catalog-api"])
    [worker] = _containers(deployments["shop-catalog-worker"])
    assert api["lifecycle"] == {"preStop": {"sleep": {"seconds": 10}}}
    assert "lifecycle" not in worker


def test_held_platform_keeps_deployments_at_zero_and_no_autoscalers() -> None:
    manifests = build_all(build_input(sample_spec(), held=True))
    assert all(d["spec"]["replicas"] == 0 for d in by_kind(manifests, "Deployment").values())
    assert not by_kind(manifests, "HorizontalPodAutoscaler")
    assert not by_kind(manifests, "ScaledObject")


def test_autoscaled_deployments_leave_replicas_to_the_autoscaler() -> None:
    deployments = by_kind(build_all(build_input(sample_spec())), "Deployment")
    assert "replicas" not in deployments["shop-catalog-api"]["spec"]
    assert "replicas" not in deployments["shop-ordering-worker"]["spec"]
    assert deployments["shop-basket-api"]["spec"]["replicas"] == 1


def test_deployments_run_the_migrated_image_not_the_target() -> None:
    spec = sample_spec()
    manifests = build_all(build_input(spec, image="ghcr.io/shopkeeper/shopkeeper:0.0.9"))
    [main] = _containers(by_kind(manifests, "Deployment")["shop-catalog-api"])
    assert main["image"].endswith(":0.0.9")
    [job] = by_kind(manifests, "Job").values()
    assert {ct["image"] for ct in job["spec"]["template"]["spec"]["containers"]} == {
        spec.image.reference
    }


def test_migration_job_migrates_every_context_and_is_renamed_per_image() -> None:
    spec = sample_spec()
    [job] = by_kind(build_all(build_input(spec)), "Job").values()
    commands = [ct["command"] for ct in job["spec"]["template"]["spec"]["containers"]]
    assert commands == [["shop", "migrate", ctx, "--roles", "adopt"] for ctx in CONTEXTS]
    newer = spec.model_copy(update={"image": spec.image.model_copy(update={"tag": "0.2.0"})})
    [newer_job] = by_kind(build_all(build_input(newer)), "Job").values()
    assert newer_job["metadata"]["name"] != job["metadata"]["name"]


def test_connectors_use_the_messaging_core_configuration() -> None:
    manifests = build_all(build_input(sample_spec()))
    connector = by_kind(manifests, "KafkaConnector")["shop-ordering-outbox"]
    expected = outbox_connector_config(
        schema="ordering",
        database_host="shop-db-rw",
        database_port=5432,
        database_name="shop",
        database_user="${env:SHOPKEEPER_DATABASE_USER}",
        database_password="${env:SHOPKEEPER_DATABASE_PASSWORD}",
        connector_name="shop-ordering-outbox",
        topic_prefix="shopkeeper.shop",
    )
    assert connector["spec"]["class"] == expected["connector.class"]
    assert connector["spec"]["config"] == {
        k: v for k, v in expected.items() if k not in ("name", "connector.class", "tasks.max")
    }
    assert connector["metadata"]["labels"][c.STRIMZI_CLUSTER_LABEL] == "shop-connect"


def test_created_kafka_connect_builds_debezium_from_maven() -> None:
    [connect] = by_kind(build_all(build_input(sample_spec())), "KafkaConnect").values()
    annotations = connect["metadata"]["annotations"]
    assert annotations[c.STRIMZI_CONNECTOR_RESOURCES_ANNOTATION] == "true"
    [plugin] = connect["spec"]["build"]["plugins"]
    assert {a["artifact"] for a in plugin["artifacts"]} >= {"debezium-connector-postgres"}
    assert all(a["type"] == "maven" for a in plugin["artifacts"])
    for key in ("bootstrapServers", "groupId", "configStorageTopic", "offsetStorageTopic"):
        assert connect["spec"][key]


def test_existing_connect_cluster_reads_credentials_through_strimzi_secrets() -> None:
    spec = spec_from(outbox={"mode": "debezium", "debezium": {"connectCluster": "ops-connect"}})
    manifests = build_all(build_input(spec))
    assert not by_kind(manifests, "KafkaConnect")
    connector = by_kind(manifests, "KafkaConnector")["shop-catalog-outbox"]
    assert connector["spec"]["config"]["database.password"] == (
        "${secrets:shop-ns/shop-db-app:password}"
    )


def test_relay_mode_runs_a_relay_and_a_standby_per_publishing_context() -> None:
    manifests = build_all(build_input(spec_from()))
    relays = {n: d for n, d in by_kind(manifests, "Deployment").items() if n.endswith("-relay")}
    assert sorted(relays) == sorted(f"shop-{ctx}-relay" for ctx in publishing_contexts())
    for relay in relays.values():
        assert relay["spec"]["replicas"] == 2
        # A standby must be up before the active relay goes: the lock hands over to it.
        assert relay["spec"]["strategy"] == {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
        }
    pdbs = by_kind(manifests, "PodDisruptionBudget")
    for name, relay in relays.items():
        assert pdbs[name]["spec"]["maxUnavailable"] == 1
        assert pdbs[name]["spec"]["selector"] == relay["spec"]["selector"]
    assert not by_kind(manifests, "KafkaConnector")


def test_relay_replicas_are_configurable_and_a_single_relay_gets_no_pdb() -> None:
    manifests = build_all(build_input(spec_from(outbox={"relay": {"replicas": 1}})))
    assert by_kind(manifests, "Deployment")["shop-catalog-relay"]["spec"]["replicas"] == 1
    assert "shop-catalog-relay" not in by_kind(manifests, "PodDisruptionBudget")
    three = build_all(build_input(spec_from(outbox={"relay": {"replicas": 3}})))
    assert by_kind(three, "Deployment")["shop-payment-relay"]["spec"]["replicas"] == 3
    assert "shop-payment-relay" in by_kind(three, "PodDisruptionBudget")


def test_external_database_creates_no_cnpg_objects_and_composes_the_url() -> None:
    spec = spec_from(
        database={
            "mode": "external",
            "name": "shopdb",
            "external": {"host": "pg.example", "credentialsSecret": "pg-credentials"},
        }
    )
    manifests = build_all(build_input(spec))
    assert not by_kind(manifests, "Cluster")
    assert not by_kind(manifests, "Database")
    [main] = _containers(by_kind(manifests, "Deployment")["shop-catalog-api"])
    env = {e["name"]: e for e in main["env"]}
    assert env["SHOP_DATABASE_PASSWORD"]["valueFrom"]["secretKeyRef"] == {
        "name": "shop-db-catalog",  # the context's own role, not the administrator's
        "key": "password",
    }
    names = [e["name"] for e in main["env"]]
    assert names.index("SHOP_DATABASE_URL") > names.index("SHOP_DATABASE_PASSWORD")
    assert env["SHOP_DATABASE_URL"]["value"] == (
        "postgresql+asyncpg://$(SHOP_DATABASE_USER):$(SHOP_DATABASE_PASSWORD)"
        "@pg.example:5432/shopdb"
    )
    assert not [n for n in names if n.startswith("SHOP_DATABASE_ADMIN")]
    [job] = by_kind(manifests, "Job").values()
    for container in job["spec"]["template"]["spec"]["containers"]:
        context = container["command"][2]
        assert container["command"] == ["shop", "migrate", context, "--roles", "manage"]
        job_env = {e["name"]: e for e in container["env"]}
        assert job_env["SHOP_DATABASE_USER"]["valueFrom"]["secretKeyRef"]["name"] == (
            f"shop-db-{context}"
        )
        assert job_env["SHOP_DATABASE_ADMIN_PASSWORD"]["valueFrom"]["secretKeyRef"] == {
            "name": "pg-credentials",
            "key": "password",
        }
        assert job_env["SHOP_DATABASE_ADMIN_URL"]["value"] == (
            "postgresql+asyncpg://$(SHOP_DATABASE_ADMIN_USER):$(SHOP_DATABASE_ADMIN_PASSWORD)"
            "@pg.example:5432/shopdb"
        )


def test_cnpg_processes_log_in_as_their_context_and_the_migrations_as_the_owner() -> None:
    manifests = build_all(build_input(spec_from()))
    [main] = _containers(by_kind(manifests, "Deployment")["shop-basket-api"])
    env = {e["name"]: e for e in main["env"]}
    assert env["SHOP_DATABASE_USER"]["valueFrom"]["secretKeyRef"] == {
        "name": "shop-db-basket",
        "key": "username",
    }
    assert env["SHOP_DATABASE_URL"]["value"] == (
        "postgresql+asyncpg://$(SHOP_DATABASE_USER):$(SHOP_DATABASE_PASSWORD)@shop-db-rw:5432/shop"
    )
    assert env["SHOP_SERVICE_NAME"]["value"] == "basket-api"
    [job] = by_kind(manifests, "Job").values()
    for container in job["spec"]["template"]["spec"]["containers"]:
        job_env = {e["name"]: e for e in container["env"]}
        assert job_env["SHOP_DATABASE_ADMIN_URL"]["valueFrom"]["secretKeyRef"] == {
            "name": "shop-db-app",
            "key": "uri",
        }


def test_cnpg_manages_a_role_per_context_owning_its_schema() -> None:
    manifests = build_all(build_input(spec_from()))
    cluster = by_kind(manifests, "Cluster")["shop-db"]
    roles = {role["name"]: role for role in cluster["spec"]["managed"]["roles"]}
    for context in CONTEXTS:
        role = roles[f"shop_{context}"]
        assert role["login"] is True
        assert role["passwordSecret"] == {"name": f"shop-db-{context}"}
        assert not {"superuser", "createdb", "createrole", "replication"} & set(role)
    assert roles["shop"]["inRoles"] == [f"shop_{c}" for c in CONTEXTS]
    assert "replication" not in roles["shop"]  # relay mode: no Debezium
    database = by_kind(manifests, "Database")["shop-database"]
    assert database["spec"]["schemas"] == [
        {"name": c, "owner": f"shop_{c}", "ensure": "present"} for c in CONTEXTS
    ]


def test_role_secrets_hold_each_contexts_login_in_the_basic_auth_format() -> None:
    passwords = iter(f"pw-{n}" for n in range(len(CONTEXTS)))
    secrets = build_role_secrets(build_input(spec_from()), lambda: next(passwords))
    assert [s["metadata"]["name"] for s in secrets] == [f"shop-db-{c}" for c in CONTEXTS]
    for n, (context, secret) in enumerate(zip(CONTEXTS, secrets, strict=True)):
        assert secret["type"] == "kubernetes.io/basic-auth"
        assert secret["stringData"] == {"username": f"shop_{context}", "password": f"pw-{n}"}
        assert secret["metadata"]["labels"]["cnpg.io/reload"] == "true"
    retained = sample_spec()  # deletionPolicy Retain: the roles outlive the platform
    assert all(
        "ownerReferences" not in s["metadata"] for s in build_role_secrets(build_input(retained))
    )


def test_config_carries_the_services_settings() -> None:
    spec = spec_from(paymentGateway={"failureRate": 0.25, "latencyMs": 150})
    data = by_kind(build_all(build_input(spec)), "ConfigMap")["shop-config"]["data"]
    assert data["SHOP_KAFKA_BOOTSTRAP_SERVERS"] == "kafka-kafka-bootstrap:9092"
    assert data["SHOP_PAYMENT_GATEWAY_FAILURE_RATE"] == "0.25"
    assert data["SHOP_PAYMENT_GATEWAY_LATENCY_SECONDS"] == "0.15"
    assert data["OTEL_SDK_DISABLED"] == "true"


def test_readiness_checks_answer_within_the_kubelets_probe_timeout() -> None:
    manifests = build_all(build_input(sample_spec()))
    data = by_kind(manifests, "ConfigMap")["shop-config"]["data"]
    [api] = _containers(by_kind(manifests, "Deployment")["shop-catalog-api"])
    probe_timeout = api["readinessProbe"]["timeoutSeconds"]
    assert float(data["SHOP_READINESS_TIMEOUT_SECONDS"]) == probe_timeout - 1 == 4


def test_plain_bootstrap_servers_manage_no_topics() -> None:
    manifests = build_all(build_input(spec_from(kafka={"bootstrapServers": "k:9092"})))
    assert not by_kind(manifests, "KafkaTopic")


def test_config_change_rolls_the_pods() -> None:
    before = by_kind(build_all(build_input(spec_from())), "Deployment")["shop-payment-api"]
    after = by_kind(
        build_all(build_input(spec_from(paymentGateway={"failureRate": 0.5}))), "Deployment"
    )["shop-payment-api"]
    key = c.CONFIG_CHECKSUM_ANNOTATION
    assert (
        before["spec"]["template"]["metadata"]["annotations"][key]
        != after["spec"]["template"]["metadata"]["annotations"][key]
    )


def test_gateway_exposure_routes_each_context_to_its_api() -> None:
    spec = spec_from(
        exposure={
            "mode": "gateway",
            "host": "shop.test",
            "gateway": {"name": "public", "namespace": "gw"},
        }
    )
    [route] = by_kind(build_all(build_input(spec)), "HTTPRoute").values()
    assert route["spec"]["parentRefs"] == [{"name": "public", "namespace": "gw"}]
    prefixes = [r["matches"][0]["path"]["value"] for r in route["spec"]["rules"]]
    assert prefixes == [p for ctx in CONTEXTS for p in (f"/api/{ctx}", f"/{ctx}")]
    backends = [r["backendRefs"] for r in route["spec"]["rules"]]
    assert backends[:2] == [[{"name": "shop-catalog-api", "port": 80}]] * 2


def test_scaled_object_scales_the_worker_on_each_consumed_topic() -> None:
    [scaled] = by_kind(build_all(build_input(sample_spec())), "ScaledObject").values()
    triggers = scaled["spec"]["triggers"]
    assert {t["metadata"]["consumerGroup"] for t in triggers} == {"shop.ordering"}
    assert all(t["type"] == "kafka" and t["metadata"]["lagThreshold"] == "50" for t in triggers)
    assert len(triggers) == 3


def test_dlq_topics_follow_the_topic_group_convention() -> None:
    topics = by_kind(build_all(build_input(sample_spec())), "KafkaTopic")
    names = {t["spec"]["topicName"] for t in topics.values()}
    assert "shop.ordering.order.shop.reports.dlq" in names
    dlq = topics["shop-shop.ordering.order.shop.reports.dlq"]
    assert dlq["spec"]["partitions"] == 1
    assert dlq["metadata"]["labels"][c.STRIMZI_CLUSTER_LABEL] == "shop-kafka"


def test_only_api_services_take_a_cluster_ip() -> None:
    services = by_kind(build_all(build_input(spec_from())), "Service")
    assert "clusterIP" not in services["shop-catalog-api"]["spec"]
    assert services["shop-catalog-worker"]["spec"]["clusterIP"] == "None"
    assert services["shop-catalog-relay"]["spec"]["clusterIP"] == "None"


def test_deployments_are_labelled_with_the_version_they_run() -> None:
    manifests = build_all(build_input(sample_spec(), image="ghcr.io/shopkeeper/shopkeeper:0.0.9"))
    deployment = by_kind(manifests, "Deployment")["shop-ordering-api"]
    assert deployment["metadata"]["labels"]["app.kubernetes.io/version"] == "0.0.9"
