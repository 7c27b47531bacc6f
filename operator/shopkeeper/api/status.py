"""The EcommercePlatform status: conditions, per-component readiness, topics and connectors."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from shopkeeper.api.base import ApiModel

Phase = Literal["Pending", "Progressing", "Ready", "Degraded"]
CONDITION_TYPES = ("Ready", "Progressing", "Degraded", "MigrationsComplete")


class Condition(ApiModel):
    """A Kubernetes-style condition."""

    type: str = Field(max_length=64)
    """Ready, Progressing, Degraded or MigrationsComplete."""
    status: Literal["True", "False", "Unknown"]
    """Condition status."""
    observed_generation: int = Field(ge=0)
    """The platform generation this condition describes."""
    last_transition_time: str = Field(json_schema_extra={"format": "date-time"})
    """When status last changed."""
    reason: str = Field(pattern=r"^[A-Za-z]([A-Za-z0-9]*)$", max_length=128)
    """CamelCase reason."""
    message: str = Field(max_length=4096)
    """Human-readable details."""


class ComponentStatus(ApiModel):
    """Readiness of one workload."""

    name: str
    """Component, e.g. `catalog-api`."""
    kind: str
    """Kind of the child object."""
    desired: int = Field(ge=0)
    """Desired pods."""
    ready: int = Field(ge=0)
    """Ready pods."""


class CountStatus(ApiModel):
    """How many of a kind of child are ready."""

    desired: int = Field(ge=0)
    """Wanted."""
    ready: int = Field(ge=0)
    """Ready."""


class ConnectorsStatus(CountStatus):
    """KafkaConnector readiness."""

    failed: list[str] = Field(default_factory=list)
    """Names of FAILED connectors."""


class PlatformStatus(ApiModel):
    """Observed state of one shop, written by the operator."""

    model_config = ConfigDict(title="EcommercePlatformStatus", extra="ignore")

    observed_generation: int | None = Field(None, ge=0)
    """The last generation the operator applied."""
    phase: Phase | None = None
    """Summary for humans: Pending, Progressing, Ready or Degraded."""
    version: str | None = None
    """Image tag the Deployments run (migrated)."""
    image: str | None = None
    """Image reference the Deployments run (migrated)."""
    conditions: list[Condition] = Field(
        default_factory=list,
        json_schema_extra={"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"]},
    )
    """Ready, Progressing, Degraded, MigrationsComplete."""
    components: list[ComponentStatus] = Field(
        default_factory=list,
        json_schema_extra={"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"]},
    )
    """Deployments: desired and ready pods."""
    topics: CountStatus | None = None
    """KafkaTopics."""
    connectors: ConnectorsStatus | None = None
    """KafkaConnectors (outbox mode debezium)."""

    def condition(self, type_: str) -> Condition | None:
        """The condition of this type, if any."""
        return next((c for c in self.conditions if c.type == type_), None)
