"""Settings of the relay process (`shop run <context>-relay`)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from sqlalchemy.engine import make_url

from shop.common.settings import ServiceSettings, SettingsError


@dataclass(frozen=True)
class RelayOptions:
    """Tuning of one relay instance."""

    batch_size: int = 500
    pipeline_depth: int = 4
    poll_interval_seconds: float = 5.0
    """A NOTIFY wakes the relay; this poll only covers a notification lost anyway."""
    delete_with_next_read_seconds: float = 0.25
    """How long a round's acknowledged rows wait to be deleted by the next round's read (one
    statement instead of two, when a NOTIFY comes in time); after that, on their own."""
    standby_retry_seconds: float = 1.0
    leader_check_seconds: float = 2.0
    backlog_interval_seconds: float = 5.0
    linger_ms: int = 0
    # Fault injection for tests: wait this long between the broker's ack and the row deletion.
    pause_after_publish_seconds: float = 0.0


class RelaySettings(ServiceSettings):
    """`SHOP_RELAY_*` (falling back to `SHOP_*`) settings of a relay process."""

    model_config = SettingsConfigDict(env_prefix="SHOP_RELAY_", extra="ignore", frozen=True)

    batch_size: int = Field(500, ge=1, le=10_000)
    pipeline_depth: int = Field(4, ge=1, le=64)
    poll_interval_seconds: float = Field(5.0, gt=0, le=60)
    delete_with_next_read_seconds: float = Field(0.25, ge=0, le=5)
    standby_retry_seconds: float = Field(1.0, gt=0, le=60)
    leader_check_seconds: float = Field(2.0, gt=0, le=60)
    backlog_interval_seconds: float = Field(5.0, gt=0, le=300)
    linger_ms: int = Field(0, ge=0, le=1000)
    fault_pause_after_publish_seconds: float = Field(0.0, ge=0, le=600)

    def __init__(self, **values: object) -> None:
        super().__init__(**values)
        if self.environment == "production" and self.fault_pause_after_publish_seconds:
            raise SettingsError(
                "SHOP_RELAY_FAULT_PAUSE_AFTER_PUBLISH_SECONDS is a test-only fault injection"
            )

    def options(self) -> RelayOptions:
        return RelayOptions(
            batch_size=self.batch_size,
            pipeline_depth=self.pipeline_depth,
            poll_interval_seconds=self.poll_interval_seconds,
            delete_with_next_read_seconds=self.delete_with_next_read_seconds,
            standby_retry_seconds=self.standby_retry_seconds,
            leader_check_seconds=self.leader_check_seconds,
            backlog_interval_seconds=self.backlog_interval_seconds,
            linger_ms=self.linger_ms,
            pause_after_publish_seconds=self.fault_pause_after_publish_seconds,
        )

    def asyncpg_dsn(self) -> str:
        return asyncpg_dsn(self.database_url)


def asyncpg_dsn(database_url: str) -> str:
    """A libpq-style URL asyncpg accepts, from any SQLAlchemy PostgreSQL URL."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)
