"""How a context's outbox and inbox are kept: outbox mode and inbox retention.

Read per context like every shop setting, once per process into its `ContextProcessSettings`:
`SHOP_<CONTEXT>_<FIELD>` first, then the shop-wide `SHOP_<FIELD>` (the operator sets
`SHOP_OUTBOX_MODE` for the whole platform):

    SHOP_OUTBOX_MODE              relay (default) | debezium
    SHOP_INBOX_RETENTION          how long handled event ids are kept (default 7d, at least 1h)
    SHOP_INBOX_PURGE_INTERVAL     how often a worker purges older ones (default 1h; 0 disables)
    SHOP_INBOX_PURGE_BATCH_SIZE   rows deleted per purge transaction (default 5000)

Durations are `<number><unit>` with unit ms, s, m, h, d or w (`7d`, `90m`, `1.5h`), or seconds.
"""

from __future__ import annotations

import enum
import re
from datetime import timedelta
from typing import ClassVar

from pydantic import Field, field_validator

from shop.common.context_settings import ContextSettings

_DURATION = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>ms|s|m|h|d|w)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MIN_INBOX_RETENTION = timedelta(hours=1)
MAX_PURGE_BATCH_SIZE = 100_000


class OutboxMode(enum.StrEnum):
    """Who publishes the outbox, which decides whether the unit of work keeps its rows."""

    RELAY = "relay"
    """The built-in relay reads the rows, publishes them and deletes them once acknowledged."""
    DEBEZIUM = "debezium"
    """Debezium reads inserts from the WAL: the unit of work deletes its rows right away."""


def parse_duration(text: str) -> timedelta:
    """`7d`, `12h`, `30m`, `45s`, `250ms`, `1.5h` or plain seconds (`3600`) as a timedelta."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration like 7d, 12h, 30m, 45s or 3600")
    seconds = float(match["number"]) * _UNIT_SECONDS[match["unit"] or "s"]
    return timedelta(seconds=seconds)


class InboxSettings(ContextSettings):
    """How long one context keeps handled event ids, and how it purges them (see `for_schema`)."""

    description: ClassVar[str] = "inbox settings"

    # At least an hour: a redelivery (rebalance, crash, DLQ replay) must still find its id.
    inbox_retention: timedelta = Field(timedelta(days=7), ge=MIN_INBOX_RETENTION)
    inbox_purge_interval: timedelta = Field(timedelta(hours=1), ge=timedelta(0))
    inbox_purge_batch_size: int = Field(5000, ge=1, le=MAX_PURGE_BATCH_SIZE)

    @property
    def purges_periodically(self) -> bool:
        return self.inbox_purge_interval > timedelta(0)

    @field_validator("inbox_retention", "inbox_purge_interval", mode="before")
    @classmethod
    def _parse_duration(cls, value: object) -> object:
        return parse_duration(value) if isinstance(value, str) else value
