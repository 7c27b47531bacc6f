"""Settings of payment's processes (`SHOP_PAYMENT_*`, falling back to `SHOP_*`)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shop.common.process_settings import ContextProcessSettings

CHARGING_IN_LANES: Mapping[str, object] = MappingProxyType(
    {"consumer_lanes_per_partition": 4, "consumer_concurrency": 8}
)
"""Payment's consumer defaults (ADR 0060). A charge waits on the card gateway inside its
transaction (`gateway_latency_seconds`, 50 ms by default) and the worker applies each message
alone, so one lane charges at most 20 orders a second: 4 lanes by key in each of a topic's
partitions (3 locally) let up to 8 charges wait at once, 160 a second, far beyond what the two
cores sustain (docs/performance.md, sixth pass). Each chunk in hand holds a connection: 8 of
the worker's engine's 15 (`database_pool_size` 5 + `POOL_BURST` 10), the others left to the
inbox purge and, in a process hosting payment's API too, to its requests."""


class PaymentSettings(ContextProcessSettings):
    context = "payment"
    consumer_defaults = CHARGING_IN_LANES
    model_config = SettingsConfigDict(env_prefix="SHOP_PAYMENT_", extra="ignore", frozen=True)

    service_name: str = "payment"
    gateway_failure_rate: float = Field(
        0.1, ge=0, le=1, description="Share of charges the mock gateway declines"
    )
    gateway_latency_seconds: float = Field(0.05, ge=0, le=60)
    gateway_seed: int | None = Field(
        None, description="Makes the mock gateway's answers reproducible (tests, demos)"
    )
