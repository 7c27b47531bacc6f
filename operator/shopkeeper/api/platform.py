"""The EcommercePlatform spec: everything one shop needs."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from shopkeeper.api.auth import AuthSpec
from shopkeeper.api.base import DNS_SUBDOMAIN_PATTERN, ApiModel, DnsSubdomain, Labels, cel
from shopkeeper.api.kafka_ui import KafkaUiSpec
from shopkeeper.api.messaging import KafkaSpec, OutboxSpec
from shopkeeper.api.network import NetworkPolicySpec
from shopkeeper.api.services import ServicesSpec
from shopkeeper.api.storage import DatabaseSpec
from shopkeeper.api.web import WebSpec
from shopkeeper.api.workloads import ImageSpec, PaymentGatewaySpec

DeletionPolicy = Literal["Retain", "Delete"]


class ServiceMonitorSpec(ApiModel):
    """A Prometheus Operator ServiceMonitor scraping every shop process."""

    enabled: bool = False
    """Create it (needs the Prometheus Operator CRDs)."""
    interval: str = Field("30s", pattern=r"^[0-9]+(ms|s|m|h)$")
    """Scrape interval."""
    labels: Labels = Field(default_factory=dict)
    """Extra labels, e.g. the ones your Prometheus' serviceMonitorSelector matches."""


class PrometheusRuleSpec(ApiModel):
    """Alerting rules for the shop."""

    enabled: bool = False
    """Create a PrometheusRule (needs the Prometheus Operator CRDs)."""
    labels: Labels = Field(default_factory=dict)
    """Extra labels, e.g. the ones your Prometheus' ruleSelector matches."""


class ObservabilitySpec(ApiModel):
    """Traces and metrics."""

    otlp_endpoint: str | None = Field(None, pattern=r"^https?://.+$", max_length=512)
    """OTLP/HTTP endpoint of an OpenTelemetry collector, e.g. `http://otel-collector:4318`."""
    service_monitors: ServiceMonitorSpec = ServiceMonitorSpec()
    """ServiceMonitor."""
    prometheus_rules: PrometheusRuleSpec = PrometheusRuleSpec()
    """PrometheusRule."""


class IngressSpec(ApiModel):
    """Ingress settings."""

    class_name: str | None = Field(None, pattern=DNS_SUBDOMAIN_PATTERN, max_length=253)
    """IngressClass."""
    tls_secret: DnsSubdomain | None = None
    """TLS Secret for the host."""


class GatewayRef(ApiModel):
    """The Gateway an HTTPRoute attaches to."""

    name: DnsSubdomain
    """Gateway name."""
    namespace: DnsSubdomain | None = None
    """Gateway namespace (the platform's if unset)."""
    section_name: str | None = Field(None, pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    """Listener of the Gateway."""


Origin = Annotated[str, Field(pattern=r"^https?://[^\s/]+$", max_length=2048)]
"""A browser origin: scheme, host and port, no path."""


class FrontDoorSpec(ApiModel):
    """Traefik Middlewares (`traefik.io/v1alpha1`) on the API routes, as the local front door
    has them (ADR 0043): needs Traefik as the exposure's controller, with its Kubernetes CRD
    provider on."""

    enabled: bool = False
    """Write the Middlewares and reference them from the Ingress (annotation) or the HTTPRoute's
    API rules (ExtensionRef filters)."""
    cors_origins: list[Origin] = Field(default_factory=list, max_length=16)
    """Browser origins besides the host's own that may call the APIs (CORS), e.g.
    `https://admin.example.com`."""
    requests_per_second: int = Field(100, ge=1, le=100000)
    """Requests per second each client address may send, on average."""
    burst: int = Field(200, ge=1, le=100000)
    """Requests a client may send at once above the average."""


class ExposureSpec(ApiModel):
    """How the shop is reachable from outside, on one host: each API at `/api/<context>` and
    `/<context>`, the web app (`web`) at `/`."""

    model_config = ConfigDict(
        json_schema_extra=cel(
            (
                "self.mode == 'none' || has(self.host)",
                "exposure.host is required when exposure.mode is ingress or gateway",
            ),
            (
                "self.mode != 'gateway' || has(self.gateway)",
                "exposure.mode gateway needs exposure.gateway.name (the Gateway to attach to)",
            ),
        )
    )

    mode: Literal["none", "ingress", "gateway"] = "none"
    """`ingress` (networking.k8s.io Ingress), `gateway` (Gateway API HTTPRoute) or `none`."""
    host: DnsSubdomain | None = None
    """Public host name."""
    ingress: IngressSpec = IngressSpec()
    """Ingress settings (mode `ingress`)."""
    gateway: GatewayRef | None = None
    """Gateway settings (mode `gateway`)."""
    traefik: FrontDoorSpec = FrontDoorSpec()
    """CORS, a rate limit per client and problem+json for Traefik's own errors."""


class PlatformSpec(ApiModel):
    """Desired state of one shop."""

    model_config = ConfigDict(title="EcommercePlatformSpec")

    image: ImageSpec
    """The shop image."""
    services: ServicesSpec = ServicesSpec()
    """Per bounded context: replicas, resources, autoscaling of API and worker."""
    payment_gateway: PaymentGatewaySpec = PaymentGatewaySpec()
    """Fault injection of the mock payment gateway."""
    kafka: KafkaSpec
    """Kafka cluster and topic settings."""
    outbox: OutboxSpec = OutboxSpec()
    """How the outbox is relayed to Kafka."""
    database: DatabaseSpec = DatabaseSpec()
    """PostgreSQL."""
    observability: ObservabilitySpec = ObservabilitySpec()
    """Tracing and monitoring."""
    exposure: ExposureSpec = ExposureSpec()
    """External access to the APIs."""
    auth: AuthSpec | None = None
    """OIDC token checks. The APIs refuse to start without an issuer: set it."""
    web: WebSpec = WebSpec()
    """The storefront and admin web app at `/` of the exposure's host."""
    network_policy: NetworkPolicySpec = NetworkPolicySpec()
    """NetworkPolicies isolating the platform's pods."""
    kafka_ui: KafkaUiSpec = KafkaUiSpec()
    """An optional Kafka UI for the platform's Kafka."""
    deletion_policy: DeletionPolicy = "Retain"
    """What deleting the platform does to its KafkaTopics and database: `Retain` keeps them
    (they carry no ownerReference), `Delete` lets them be garbage-collected."""
