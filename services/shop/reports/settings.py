"""Settings of reports' processes (`SHOP_REPORTS_*`, falling back to `SHOP_*`)."""

from __future__ import annotations

from types import MappingProxyType

from pydantic_settings import SettingsConfigDict

from shop.common.consumer.settings import PACED
from shop.common.process_settings import ContextProcessSettings


class ReportsSettings(ContextProcessSettings):
    context = "reports"
    consumer_defaults = MappingProxyType({**PACED, "consumer_concurrency": 1})
    """Off the saga's path: paced fetches (ADR 0007). One chunk at a time: every change writes
    the shared counts by status (and a confirmation the day's and the products' sales), which
    concurrent chunks would only queue on, and lock in opposite orders, deadlocking (ADR 0059)."""
    model_config = SettingsConfigDict(env_prefix="SHOP_REPORTS_", extra="ignore", frozen=True)

    service_name: str = "reports"
