"""Shared pieces of the API models: camelCase aliases, CEL rules, quantities, names."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

QUANTITY_PATTERN = r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$"
DNS_LABEL_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
DNS_SUBDOMAIN_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
DURATION_PATTERN = r"^[0-9]+(ms|s|m|h)$"

Quantity = Annotated[str, Field(pattern=QUANTITY_PATTERN, max_length=32)]
DnsLabel = Annotated[str, Field(pattern=DNS_LABEL_PATTERN, max_length=63)]
DnsSubdomain = Annotated[str, Field(pattern=DNS_SUBDOMAIN_PATTERN, max_length=253)]
Labels = Annotated[dict[str, str], Field(max_length=32)]


def cel(*rules: tuple[str, str]) -> dict[str, Any]:
    """`json_schema_extra` carrying Kubernetes CEL validation rules as (rule, message) pairs."""
    return {"x-kubernetes-validations": [{"rule": rule, "message": msg} for rule, msg in rules]}


class ApiModel(BaseModel):
    """Base of every spec model: camelCase on the wire, immutable, unknown fields refused."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
    )


class ResourceAmounts(ApiModel):
    """CPU and memory amounts (Kubernetes quantities)."""

    cpu: Quantity | None = None
    """CPU, e.g. `250m`."""
    memory: Quantity | None = None
    """Memory, e.g. `256Mi`."""


class Resources(ApiModel):
    """Container resource requests and limits."""

    requests: ResourceAmounts = ResourceAmounts(cpu="100m", memory="128Mi")
    """What the scheduler reserves."""
    limits: ResourceAmounts = ResourceAmounts(memory="256Mi")
    """The ceiling (CPU is left unlimited by default to avoid throttling)."""

    def manifest(self) -> dict[str, dict[str, str]]:
        """The `resources` block of a container."""
        out: dict[str, dict[str, str]] = {}
        for key, amounts in (("requests", self.requests), ("limits", self.limits)):
            values = amounts.model_dump(exclude_none=True)
            if values:
                out[key] = values
        return out
