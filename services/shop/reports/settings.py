"""Settings of reports' processes (`SHOP_REPORTS_*`, falling back to `SHOP_*`)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shop.common.consumer.settings import PACED
from shop.common.process_settings import ContextProcessSettings


class ReportsSettings(ContextProcessSettings):
    context = "reports"
    consumer_defaults = PACED  # off the saga's path: paced fetches (ADR 0007)
    model_config = SettingsConfigDict(env_prefix="SHOP_REPORTS_", extra="ignore", frozen=True)

    service_name: str = "reports"
