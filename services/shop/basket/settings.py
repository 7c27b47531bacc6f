"""Settings of the basket's processes (`SHOP_BASKET_*`, falling back to `SHOP_*`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shop.common.process_settings import ContextProcessSettings


class BasketSettings(ContextProcessSettings):
    context = "basket"
    model_config = SettingsConfigDict(env_prefix="SHOP_BASKET_", extra="ignore", frozen=True)

    service_name: str = "basket"
    ordering_url: str = Field(
        "",
        description="Base URL of the ordering API, for the order link of a checkout that "
        "came straight to basket's API (empty: `/ordering`); a checkout by `/basket` or "
        "`/api/basket` links to `/ordering` or `/api/ordering` on the same host",
    )
