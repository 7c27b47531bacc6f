"""Settings of reports' processes (`SHOP_REPORTS_*`, falling back to `SHOP_*`)."""

from __future__ import annotations

from types import MappingProxyType

from pydantic_settings import SettingsConfigDict

from shop.common.consumer.settings import ONE_CHUNK_AT_A_TIME, PACED
from shop.common.process_settings import ContextProcessSettings


class ReportsSettings(ContextProcessSettings):
    context = "reports"
    consumer_defaults = MappingProxyType({**PACED, **ONE_CHUNK_AT_A_TIME})
    """Off the saga's path: paced fetches (ADR 0007). One chunk at a time: every change writes
    the shared counts by status (and a confirmation the day's and the products' sales), so
    locking a chunk's rows first (catalog's way, ADR 0062) would still queue every chunk
    behind the last, and a count row not yet written cannot be locked."""
    model_config = SettingsConfigDict(env_prefix="SHOP_REPORTS_", extra="ignore", frozen=True)

    service_name: str = "reports"
