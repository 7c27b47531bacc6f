"""Settings of the catalog's processes (`SHOP_CATALOG_*`, falling back to `SHOP_*`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shop.common.process_settings import ContextProcessSettings


class CatalogSettings(ContextProcessSettings):
    context = "catalog"
    # The runtime's consumer defaults (4 chunks at once): a chunk locks every stock row its
    # messages will touch before the first (`entrypoints.consumers.CHUNK_LOCKS`, ADR 0062).
    model_config = SettingsConfigDict(env_prefix="SHOP_CATALOG_", extra="ignore", frozen=True)

    service_name: str = "catalog"
    redis_url: str | None = Field(
        None,
        repr=False,
        description="redis://host:port/db of the read cache; none: every read goes to PostgreSQL",
    )
    cache_ttl_seconds: int = Field(
        300, ge=1, le=86_400, description="Lifetime of a cached read (changes invalidate sooner)"
    )
    cache_timeout_seconds: float = Field(
        0.25, gt=0, le=5, description="How long one Redis call may take before the read skips it"
    )
    cache_retry_seconds: float = Field(
        5.0, gt=0, le=300, description="After a Redis failure, how long reads skip Redis"
    )
    embedding_backfill_interval_seconds: float = Field(
        300.0,
        gt=0,
        le=86_400,
        description="How often the worker looks for products without a vector of the model",
    )
    embedding_backfill_batch_size: int = Field(
        200, ge=1, le=10_000, description="Products embedded per backfill transaction"
    )
