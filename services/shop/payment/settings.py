"""Settings of payment's processes (`SHOP_PAYMENT_*`, falling back to `SHOP_*`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shop.common.process_settings import ContextProcessSettings


class PaymentSettings(ContextProcessSettings):
    context = "payment"
    model_config = SettingsConfigDict(env_prefix="SHOP_PAYMENT_", extra="ignore", frozen=True)

    service_name: str = "payment"
    gateway_failure_rate: float = Field(
        0.1, ge=0, le=1, description="Share of charges the mock gateway declines"
    )
    gateway_latency_seconds: float = Field(0.05, ge=0, le=60)
    gateway_seed: int | None = Field(
        None, description="Makes the mock gateway's answers reproducible (tests, demos)"
    )
