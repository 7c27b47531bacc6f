"""Per bounded context settings: processes, env, and what catalog, ordering and notification
need."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import ConfigDict, Field, model_validator

from shopkeeper.api.base import ApiModel, cel
from shopkeeper.api.notification import URL_PATTERN, SmtpSpec, WebhookSpec
from shopkeeper.api.workloads import ServiceSpec, WorkerProcess

REDIS_URL_PATTERN = r"^rediss?://[^\s]+$"
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


class CatalogServiceSpec(ServiceSpec):
    """Catalog: its processes, and the Redis of its read cache (optional)."""

    redis_url: str | None = Field(None, pattern=REDIS_URL_PATTERN, max_length=2048)
    """`redis://host:port/db` of the catalog's read cache (product views and search pages,
    invalidated by the catalog's committed changes, ADR 0048); none: every read goes to
    PostgreSQL. The catalog keeps answering, slower, while Redis is down."""


class FraudScreeningSpec(ApiModel):
    """The order saga's fraud screening (ADR 0051): rules add points to a score per order."""

    threshold: int = Field(80, ge=1, le=1000)
    """Score from which an order is cancelled as `fraud-suspected` once its stock is reserved.
    The rules add 40 (velocity), 35 (amount against the customer's history) and 45 (a new
    customer's large basket); above 120 nothing is ever cancelled."""


class OrderingServiceSpec(ServiceSpec):
    """Ordering: its worker also runs the order saga's deadline timer and fraud screening."""

    worker: SagaWorkerProcess = SagaWorkerProcess()
    """The worker process (consumers and the saga's deadline timer; never zero replicas)."""
    fraud: FraudScreeningSpec = FraudScreeningSpec()
    """Fraud screening of each order between its stock reservation and its payment."""


class NotificationServiceSpec(ServiceSpec):
    """Notification: its processes, and how it delivers messages and looks orders up."""

    model_config = ConfigDict(
        json_schema_extra=cel(
            (
                "self.channel != 'smtp' || has(self.smtp)",
                "services.notification.channel smtp needs services.notification.smtp (host)",
            ),
            (
                "self.channel != 'webhook' || has(self.webhook)",
                "services.notification.channel webhook needs services.notification.webhook "
                "(url or urlSecretKeyRef)",
            ),
        )
    )

    channel: Literal["log", "smtp", "webhook"] = "log"
    """`log` (only logs each notification), `smtp` or `webhook`."""
    smtp: SmtpSpec | None = None
    """SMTP settings (channel `smtp`)."""
    webhook: WebhookSpec | None = None
    """Webhook settings (channel `webhook`)."""
    ordering_url: str | None = Field(None, pattern=URL_PATTERN, max_length=2048)
    """Ordering API used to look up the order of a notification; default: the platform's
    ordering API Service, `http://<platform>-ordering-api.<namespace>.svc`."""

    @model_validator(mode="after")
    def _channel_has_its_settings(self) -> Self:
        if self.channel == "smtp" and self.smtp is None:
            raise ValueError("services.notification.channel smtp needs services.notification.smtp")
        if self.channel == "webhook" and self.webhook is None:
            raise ValueError(
                "services.notification.channel webhook needs services.notification.webhook"
            )
        return self


class ServicesSpec(ApiModel):
    """Per bounded context settings."""

    catalog: CatalogServiceSpec = CatalogServiceSpec()
    """Products, categories, stock, reservations; optionally a Redis read cache."""
    basket: ServiceSpec = ServiceSpec()
    """Carts."""
    ordering: OrderingServiceSpec = OrderingServiceSpec()
    """Orders and the order saga."""
    payment: ServiceSpec = ServiceSpec()
    """Payments (mock gateway)."""
    notification: NotificationServiceSpec = NotificationServiceSpec()
    """Notifications."""
    reports: ServiceSpec = ServiceSpec()
    """Sales projections."""

    def of(self, context: str) -> ServiceSpec:
        """Settings of a context by name."""
        spec = getattr(self, context, None)
        if not isinstance(spec, ServiceSpec):
            raise KeyError(f"unknown bounded context {context!r}")
        return spec
