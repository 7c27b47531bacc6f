"""Names that the operator, its CRD, its RBAC and its tests share: API group, labels, finalizer."""

from typing import Final

GROUP: Final = "shopkeeper.dev"
VERSION: Final = "v1alpha1"
API_VERSION: Final = f"{GROUP}/{VERSION}"
KIND: Final = "EcommercePlatform"
PLURAL: Final = "ecommerceplatforms"
SINGULAR: Final = "ecommerceplatform"
SHORT_NAMES: Final = ("ecp",)
CRD_NAME: Final = f"{PLURAL}.{GROUP}"

FIELD_MANAGER: Final = "shopkeeper"
"""Server-side apply field manager of every object the operator writes."""

FINALIZER: Final = f"{GROUP}/finalizer"
"""Kopf puts it on platforms (daemons need one) so their loops stop before the object goes."""

KOPF_ANNOTATIONS_PREFIX: Final = GROUP
"""Prefix of kopf's own bookkeeping annotations on platforms."""

PEERING_NAME: Final = "shopkeeper"

# Labels on every child. Pruning and the child watches select on the first two.
MANAGED_BY_LABEL: Final = "app.kubernetes.io/managed-by"
MANAGED_BY_VALUE: Final = "shopkeeper"
PLATFORM_LABEL: Final = f"{GROUP}/platform"
COMPONENT_LABEL: Final = "app.kubernetes.io/component"
NAME_LABEL: Final = "app.kubernetes.io/name"
INSTANCE_LABEL: Final = "app.kubernetes.io/instance"
PART_OF_LABEL: Final = "app.kubernetes.io/part-of"
PART_OF_VALUE: Final = "shopkeeper"
VERSION_LABEL: Final = "app.kubernetes.io/version"
CONTEXT_LABEL: Final = f"{GROUP}/context"
ROLE_LABEL: Final = f"{GROUP}/role"
IMAGE_HASH_LABEL: Final = f"{GROUP}/image-hash"

CONFIG_CHECKSUM_ANNOTATION: Final = f"{GROUP}/config-checksum"
IMAGE_ANNOTATION: Final = f"{GROUP}/image"

STRIMZI_CLUSTER_LABEL: Final = "strimzi.io/cluster"
STRIMZI_RESTART_ANNOTATION: Final = "strimzi.io/restart"
STRIMZI_RESTART_TASK_ANNOTATION: Final = "strimzi.io/restart-task"
STRIMZI_CONNECTOR_RESOURCES_ANNOTATION: Final = "strimzi.io/use-connector-resources"

# The HTTP contract of every shop process (API, worker, relay): one port serving
# the API (if any), /metrics, and the probes.
HTTP_PORT: Final = 8000
HTTP_PORT_NAME: Final = "http"
PROBE_TIMEOUT_SECONDS: Final = 5
"""The kubelet's probe timeout: a CPU-starved process answers late, not never."""
LIVENESS_PATH: Final = "/livez"
READINESS_PATH: Final = "/readyz"
METRICS_PATH: Final = "/metrics"
