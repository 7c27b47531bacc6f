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


class TaskStatus(ApiModel):
    """One task of a connector."""

    id: int = Field(ge=0)
    """Task id."""
    state: str = Field(max_length=32)
    """RUNNING, FAILED, PAUSED, UNASSIGNED, RESTARTING..."""


class ConnectorDetail(ApiModel):
    """One connector as Kafka Connect reports it (outbox mode connect-rest)."""

    name: str
    """Connector name in the Connect cluster."""
    state: str = Field(max_length=32)
    """Connector state (RUNNING, FAILED, PAUSED, UNASSIGNED, ...; MISSING: not registered)."""
    tasks: list[TaskStatus] = Field(
        default_factory=list,
        json_schema_extra={"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["id"]},
    )
    """Its tasks."""
    last_error: str | None = Field(None, max_length=2048)
    """The last failure seen (first line and root cause of Connect's trace), kept after a
    successful restart."""
    restarts: int = Field(0, ge=0)
    """Restarts the operator asked for."""
    last_restart_time: str | None = Field(None, json_schema_extra={"format": "date-time"})
    """When the operator last restarted it."""


class ConnectorsStatus(CountStatus):
    """Connector readiness."""

    failed: list[str] = Field(default_factory=list)
    """Names of FAILED connectors."""
    details: list[ConnectorDetail] = Field(
        default_factory=list,
        json_schema_extra={"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"]},
    )
    """Per connector state, tasks and last error (outbox mode connect-rest)."""


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
    """Outbox connectors: KafkaConnectors (mode debezium) or registered through the Connect
    REST API (mode connect-rest)."""

    def condition(self, type_: str) -> Condition | None:
        """The condition of this type, if any."""
        return next((c for c in self.conditions if c.type == type_), None)
