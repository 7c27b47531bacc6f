"""The database: a CloudNativePG cluster the operator creates, or an external PostgreSQL."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from shopkeeper.api.base import ApiModel, DnsSubdomain, Quantity, cel

SQL_IDENTIFIER = r"^[a-z_][a-z0-9_]{0,62}$"


class CnpgSpec(ApiModel):
    """A CloudNativePG `Cluster` and `Database` for this platform."""

    instances: int = Field(1, ge=1, le=9)
    """PostgreSQL instances (1 primary + replicas)."""
    storage_size: Quantity = "1Gi"
    """Volume size per instance."""
    storage_class: DnsSubdomain | None = None
    """StorageClass of the volumes (the cluster default if unset)."""
    image_name: str | None = Field(None, min_length=1, max_length=512)
    """PostgreSQL image (CloudNativePG's default if unset)."""


class ExternalDatabase(ApiModel):
    """A PostgreSQL server the platform does not manage."""

    host: str = Field(min_length=1, max_length=253)
    """Host name."""
    port: int = Field(5432, ge=1, le=65535)
    """Port."""
    credentials_secret: DnsSubdomain
    """Secret in the platform's namespace with keys `username` and `password`
    (the role needs REPLICATION for the Debezium outbox mode)."""


class DatabaseSpec(ApiModel):
    """Where the contexts' schemas live: one database, one schema per bounded context."""

    model_config = ConfigDict(
        json_schema_extra=cel(
            (
                "self.mode != 'external' || has(self.external)",
                "database.mode external needs database.external (host, port, credentialsSecret)",
            )
        )
    )

    mode: Literal["cnpg", "external"] = "cnpg"
    """`cnpg` (CloudNativePG Cluster and Database) or `external`."""
    name: str = Field("shop", pattern=SQL_IDENTIFIER)
    """Database name."""
    owner: str = Field("shop", pattern=SQL_IDENTIFIER)
    """Owning role (mode `cnpg`; with `external` the Secret's username is used)."""
    cnpg: CnpgSpec = CnpgSpec()
    """CloudNativePG settings (mode `cnpg`)."""
    external: ExternalDatabase | None = None
    """External server (mode `external`)."""
