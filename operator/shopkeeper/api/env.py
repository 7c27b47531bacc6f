"""Environment variables of shop processes, as Kubernetes EnvVars (values or references)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, Field

from shopkeeper.api.base import ApiModel, DnsSubdomain, Quantity, cel

ENV_NAME_PATTERN = r"^[-._a-zA-Z][-._a-zA-Z0-9]*$"
KEY_PATTERN = r"^[-._a-zA-Z0-9]+$"


class KeySelector(ApiModel):
    """A key of a Secret or ConfigMap in the platform's namespace."""

    name: DnsSubdomain
    """Name of the Secret or ConfigMap."""
    key: str = Field(pattern=KEY_PATTERN, max_length=253)
    """The key whose value is used."""
    optional: bool | None = None
    """Start the container even if the object or key is missing."""

    def manifest(self) -> dict[str, Any]:
        """The Kubernetes selector."""
        return self.model_dump(by_alias=True, exclude_none=True)


class FieldSelector(ApiModel):
    """A field of the pod, e.g. `metadata.name` or `status.podIP`."""

    field_path: str = Field(min_length=1, max_length=256)
    """Path of the field."""
    api_version: str | None = Field(None, max_length=64)
    """Schema version of the path (`v1`)."""


class ResourceFieldSelector(ApiModel):
    """A resource limit or request of a container, e.g. `limits.memory`."""

    resource: str = Field(min_length=1, max_length=64)
    """The resource."""
    container_name: str | None = Field(None, max_length=63)
    """Container (this one if unset)."""
    divisor: Quantity | None = None
    """Unit of the value."""


class EnvVarSource(ApiModel):
    """Where a variable's value comes from."""

    model_config = ConfigDict(
        json_schema_extra=cel(
            (
                "(has(self.secretKeyRef) ? 1 : 0) + (has(self.configMapKeyRef) ? 1 : 0)"
                " + (has(self.fieldRef) ? 1 : 0) + (has(self.resourceFieldRef) ? 1 : 0) == 1",
                "valueFrom needs exactly one of secretKeyRef, configMapKeyRef, fieldRef or "
                "resourceFieldRef",
            )
        )
    )

    secret_key_ref: KeySelector | None = None
    """A key of a Secret."""
    config_map_key_ref: KeySelector | None = None
    """A key of a ConfigMap."""
    field_ref: FieldSelector | None = None
    """A field of the pod."""
    resource_field_ref: ResourceFieldSelector | None = None
    """A resource of a container."""


class EnvVar(ApiModel):
    """One environment variable: a value, or a reference (valueFrom)."""

    model_config = ConfigDict(
        json_schema_extra=cel(
            (
                "!(has(self.value) && has(self.valueFrom))",
                "an env entry takes value or valueFrom, not both",
            )
        )
    )

    name: str = Field(pattern=ENV_NAME_PATTERN, max_length=256)
    """Variable name, e.g. `SHOP_LOG_LEVEL` or `SHOP_NOTIFICATION_LOOKUP_TIMEOUT_SECONDS`."""
    value: str | None = Field(None, max_length=32768)
    """The value (`$(VAR)` expands earlier variables)."""
    value_from: EnvVarSource | None = None
    """A reference to a Secret, ConfigMap or pod field instead of a value."""

    def manifest(self) -> dict[str, Any]:
        """The container's `env` entry."""
        return self.model_dump(by_alias=True, exclude_none=True)


def _unique_names(env: list[EnvVar]) -> list[EnvVar]:
    names = [var.name for var in env]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"env names must be unique: {', '.join(duplicates)}")
    return env


EnvList = Annotated[
    list[EnvVar],
    AfterValidator(_unique_names),
    Field(
        max_length=64,
        json_schema_extra={"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"]},
    ),
]
"""A container's extra environment; names are unique."""
