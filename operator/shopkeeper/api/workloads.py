"""Image, per-service process settings and the payment gateway's fault-injection knobs."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import ConfigDict, Field, model_validator

from shopkeeper.api.base import ApiModel, DnsSubdomain, Resources, cel

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


SAGA_TIMER_REPLICAS = (
    "self.replicas >= 1",
    "services.ordering.worker.replicas must be at least 1: the ordering worker runs the order "
    "saga's deadline timer, without it no saga ever times out",
)
SAGA_TIMER_MIN_REPLICAS = (
    "self.autoscaling.minReplicas >= 1",
    "services.ordering.worker.autoscaling.minReplicas must be at least 1: the ordering worker "
    "runs the order saga's deadline timer, and KEDA would scale it to zero",
)


class SagaWorkerProcess(WorkerProcess):
    """The ordering worker: besides its consumers it runs the saga's deadline timer, so it never
    scales to zero (`replicas` and `autoscaling.minReplicas` at least 1)."""

    model_config = ConfigDict(json_schema_extra=cel(SAGA_TIMER_REPLICAS, SAGA_TIMER_MIN_REPLICAS))

    @model_validator(mode="after")
    def _keeps_the_saga_timer_running(self) -> Self:
        if self.replicas < 1:
            raise ValueError(SAGA_TIMER_REPLICAS[1])
        if self.autoscaling.min_replicas < 1:
            raise ValueError(SAGA_TIMER_MIN_REPLICAS[1])
        return self


class ServiceSpec(ApiModel):
    """One bounded context: its API and its worker scale independently."""

    api: ApiProcess = ApiProcess()
    """The API process."""
    worker: WorkerProcess = WorkerProcess()
    """The worker process."""


class OrderingServiceSpec(ServiceSpec):
    """Ordering: its worker also runs the order saga's deadline timer."""

    worker: SagaWorkerProcess = SagaWorkerProcess()
    """The worker process (consumers and the saga's deadline timer; never zero replicas)."""


class ServicesSpec(ApiModel):
    """Per bounded context settings."""

    catalog: ServiceSpec = ServiceSpec()
    """Products, categories, stock, reservations."""
    basket: ServiceSpec = ServiceSpec()
    """Carts."""
    ordering: OrderingServiceSpec = OrderingServiceSpec()
    """Orders and the order saga."""
    payment: ServiceSpec = ServiceSpec()
    """Payments (mock gateway)."""
    notification: ServiceSpec = ServiceSpec()
    """Notifications."""
    reports: ServiceSpec = ServiceSpec()
    """Sales projections."""

    def of(self, context: str) -> ServiceSpec:
        """Settings of a context by name."""
        spec = getattr(self, context, None)
        if not isinstance(spec, ServiceSpec):
            raise KeyError(f"unknown bounded context {context!r}")
        return spec


class PaymentGatewaySpec(ApiModel):
    """Fault injection of the mock payment gateway."""

    failure_rate: float = Field(0.0, ge=0.0, le=1.0)
    """Share of payments the gateway declines, from 0 to 1."""
    latency_ms: int = Field(0, ge=0, le=60000)
    """Added latency of every gateway call, in milliseconds."""
