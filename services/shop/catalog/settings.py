"""Settings of the catalog's processes (`SHOP_CATALOG_*`, falling back to `SHOP_*`)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shop.common.process_settings import ContextProcessSettings


class CatalogSettings(ContextProcessSettings):
    context = "catalog"
    model_config = SettingsConfigDict(env_prefix="SHOP_CATALOG_", extra="ignore", frozen=True)

    service_name: str = "catalog"
