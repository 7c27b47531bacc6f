"""Settings of ordering's processes (`SHOP_ORDERING_*`, falling back to `SHOP_*`)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shop.common.process_settings import ContextProcessSettings
from shop.ordering.domain.fraud import FraudRules
from shop.ordering.domain.saga_state import SagaTimeouts


class OrderingSettings(ContextProcessSettings):
    context = "ordering"
    model_config = SettingsConfigDict(env_prefix="SHOP_ORDERING_", extra="ignore", frozen=True)

    service_name: str = "ordering"
    stock_reservation_timeout_seconds: float = Field(30.0, gt=0, le=86_400)
    payment_timeout_seconds: float = Field(60.0, gt=0, le=86_400)
    saga_timer_interval_seconds: float = Field(1.0, gt=0, le=3_600)
    saga_timer_batch_size: int = Field(100, ge=1, le=10_000)
    order_stream_poll_seconds: float = Field(5.0, gt=0, le=60)  # fallback: LISTEN/NOTIFY wakes
    order_stream_keepalive_seconds: float = Field(15.0, gt=0, le=300)
    order_stream_news_first_seconds: float = Field(0.5, ge=0, le=30)  # a waiting stream: then reads
    fraud_threshold: int = Field(80, ge=1, le=1_000)  # above 120 (every rule): never cancels
    fraud_velocity_window_seconds: float = Field(600.0, gt=0, le=86_400 * 30)
    fraud_velocity_limit: int = Field(10, ge=1, le=1_000_000)
    fraud_amount_factor: Decimal = Field(Decimal(5), gt=1, le=1_000)
    fraud_large_basket_total: Decimal = Field(Decimal(500), gt=0)

    @property
    def saga_timeouts(self) -> SagaTimeouts:
        return SagaTimeouts(
            stock_reservation=timedelta(seconds=self.stock_reservation_timeout_seconds),
            payment=timedelta(seconds=self.payment_timeout_seconds),
        )

    @property
    def fraud_rules(self) -> FraudRules:
        return FraudRules(
            threshold=self.fraud_threshold,
            velocity_window=timedelta(seconds=self.fraud_velocity_window_seconds),
            velocity_limit=self.fraud_velocity_limit,
            amount_factor=self.fraud_amount_factor,
            large_basket_total=self.fraud_large_basket_total,
        )
