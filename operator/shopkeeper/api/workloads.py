"""Image, per-process settings of a context and the payment gateway's fault-injection knobs."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from shopkeeper.api.base import ApiModel, DnsSubdomain, Resources, cel
from shopkeeper.api.env import EnvList

Replicas = int

_MIN_MAX = (
    "self.minReplicas <= self.maxReplicas",
    "autoscaling.minReplicas must not be greater than autoscaling.maxReplicas",
)


class ImageSpec(ApiModel):
    """The one image that runs every shop process (API, worker, relay, migrations)."""

    repository: str = Field("ghcr.io/shopkeeper/shopkeeper", min_length=1, max_length=255)
    """Image repository, without tag."""
    tag: str = Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
    """Image tag: the shop version. A new tag runs the migrations Job before the rollout."""
    pull_policy: Literal["Always", "IfNotPresent", "Never"] = "IfNotPresent"
    """Kubernetes imagePullPolicy."""
    pull_secrets: list[DnsSubdomain] = Field(default_factory=list, max_length=8)
    """Names of image pull Secrets in the platform's namespace."""

    @property
    def reference(self) -> str:
        """`repository:tag`."""
        return f"{self.repository}:{self.tag}"


class ApiAutoscaling(ApiModel):
    """A HorizontalPodAutoscaler on CPU for the API Deployment."""

    model_config = ConfigDict(json_schema_extra=cel(_MIN_MAX))

    enabled: bool = False
    """Create the HPA (the Deployment's replicas are then left to it)."""
    min_replicas: int = Field(1, ge=1, le=100)
    """Lower bound."""
    max_replicas: int = Field(5, ge=1, le=100)
    """Upper bound."""
    target_cpu_utilization: int = Field(75, ge=1, le=100)
    """Average CPU utilization (percent of requests) the HPA aims at."""


class WorkerAutoscaling(ApiModel):
    """A KEDA ScaledObject scaling the worker on its consumer groups' lag."""

    model_config = ConfigDict(json_schema_extra=cel(_MIN_MAX))

    enabled: bool = False
    """Create the ScaledObject (needs KEDA; the Deployment's replicas are then left to it)."""
    min_replicas: int = Field(1, ge=0, le=100)
    """Lower bound (0 lets KEDA scale the worker to zero when there is no lag)."""
    max_replicas: int = Field(5, ge=1, le=100)
    """Upper bound (more workers than partitions would sit idle)."""
    lag_threshold: int = Field(100, ge=1)
    """Consumer lag per replica that triggers scaling out."""


class ApiProcess(ApiModel):
    """The HTTP API process of a context."""

    replicas: Replicas = Field(1, ge=0, le=100)
    """Pods, when autoscaling is off."""
    resources: Resources = Resources()
    """Container resources."""
    autoscaling: ApiAutoscaling = ApiAutoscaling()
    """CPU autoscaling."""


class WorkerProcess(ApiModel):
    """The worker process of a context (Kafka consumers, timers)."""

    replicas: Replicas = Field(1, ge=0, le=100)
    """Pods, when autoscaling is off."""
    resources: Resources = Resources()
    """Container resources."""
    autoscaling: WorkerAutoscaling = WorkerAutoscaling()
    """Consumer-lag autoscaling."""


class ServiceSpec(ApiModel):
    """One bounded context: its API and its worker scale independently."""

    api: ApiProcess = ApiProcess()
    """The API process."""
    worker: WorkerProcess = WorkerProcess()
    """The worker process."""
    env: EnvList = Field(default_factory=list)
    """Extra environment of every process of the context (API, worker, relay, migrations),
    e.g. `SHOP_LOG_LEVEL`; `valueFrom` may read Secrets. An entry replaces the operator's
    variable of the same name."""


class PaymentGatewaySpec(ApiModel):
    """Fault injection of the mock payment gateway."""

    failure_rate: float = Field(0.0, ge=0.0, le=1.0)
    """Share of payments the gateway declines, from 0 to 1."""
    latency_ms: int = Field(0, ge=0, le=60000)
    """Added latency of every gateway call, in milliseconds."""
