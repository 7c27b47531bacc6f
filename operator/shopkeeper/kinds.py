"""Every kind of child the operator writes, watches and prunes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChildKind:
    """A Kubernetes kind the operator manages for its platforms."""

    kind: str
    group: str
    version: str
    plural: str
    provided_by: str = "Kubernetes"
    """Who serves it (the operator to install when it is missing)."""
    retained: bool = False
    """Holds data: no ownerReference and never pruned under `deletionPolicy: Retain`."""

    @property
    def api_version(self) -> str:
        """`group/version`, or `version` for the core group."""
        return f"{self.group}/{self.version}" if self.group else self.version


DEPLOYMENT = ChildKind("Deployment", "apps", "v1", "deployments")
SERVICE = ChildKind("Service", "", "v1", "services")
CONFIG_MAP = ChildKind("ConfigMap", "", "v1", "configmaps")
PDB = ChildKind("PodDisruptionBudget", "policy", "v1", "poddisruptionbudgets")
HPA = ChildKind("HorizontalPodAutoscaler", "autoscaling", "v2", "horizontalpodautoscalers")
JOB = ChildKind("Job", "batch", "v1", "jobs")
INGRESS = ChildKind("Ingress", "networking.k8s.io", "v1", "ingresses")
NETWORK_POLICY = ChildKind("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies")
HTTP_ROUTE = ChildKind(
    "HTTPRoute", "gateway.networking.k8s.io", "v1", "httproutes", "the Gateway API CRDs"
)
KAFKA_TOPIC = ChildKind("KafkaTopic", "kafka.strimzi.io", "v1", "kafkatopics", "Strimzi", True)
KAFKA_CONNECT = ChildKind("KafkaConnect", "kafka.strimzi.io", "v1", "kafkaconnects", "Strimzi")
KAFKA_CONNECTOR = ChildKind(
    "KafkaConnector", "kafka.strimzi.io", "v1", "kafkaconnectors", "Strimzi"
)
PG_CLUSTER = ChildKind("Cluster", "postgresql.cnpg.io", "v1", "clusters", "CloudNativePG", True)
PG_DATABASE = ChildKind("Database", "postgresql.cnpg.io", "v1", "databases", "CloudNativePG", True)
SECRET = ChildKind("Secret", "", "v1", "secrets", retained=True)
"""A context role's credentials: created once, never applied, watched nor pruned (not in
`CHILD_KINDS`); kept under `Retain` like the data whose role it logs in as."""
SERVICE_MONITOR = ChildKind(
    "ServiceMonitor", "monitoring.coreos.com", "v1", "servicemonitors", "Prometheus Operator"
)
PROMETHEUS_RULE = ChildKind(
    "PrometheusRule", "monitoring.coreos.com", "v1", "prometheusrules", "Prometheus Operator"
)
SCALED_OBJECT = ChildKind("ScaledObject", "keda.sh", "v1alpha1", "scaledobjects", "KEDA")
TRAEFIK_MIDDLEWARE = ChildKind("Middleware", "traefik.io", "v1alpha1", "middlewares", "Traefik")

CHILD_KINDS: tuple[ChildKind, ...] = (
    CONFIG_MAP,
    NETWORK_POLICY,
    JOB,
    DEPLOYMENT,
    SERVICE,
    PDB,
    HPA,
    TRAEFIK_MIDDLEWARE,
    INGRESS,
    HTTP_ROUTE,
    KAFKA_TOPIC,
    KAFKA_CONNECT,
    KAFKA_CONNECTOR,
    PG_CLUSTER,
    PG_DATABASE,
    SERVICE_MONITOR,
    PROMETHEUS_RULE,
    SCALED_OBJECT,
)
"""In apply order: configuration and migrations before the workloads that need them."""

_BY_API_KIND = {(k.api_version, k.kind): k for k in CHILD_KINDS}


def kind_of(manifest: dict[str, object]) -> ChildKind:
    """The ChildKind of a manifest; KeyError for a kind the operator does not manage."""
    return _BY_API_KIND[(str(manifest["apiVersion"]), str(manifest["kind"]))]
