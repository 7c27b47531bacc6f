"""The one settings object of a context's process (API or worker), built once in its `main()`.

A context's `settings.py` subclasses `ContextProcessSettings` with its own prefix and fields.
Besides `ServiceSettings`' fields it holds what the shared building blocks of the context read,
so none of them reads the environment itself:

- `outbox_mode`: `SHOP_<CONTEXT>_OUTBOX_MODE`, else `SHOP_OUTBOX_MODE` (relay | debezium), which
  `bootstrap` hands to the context's units of work;
- `consumer`: the worker's consumer tuning (`SHOP_<CONTEXT>_CONSUMER_*`, `ConsumerSettings`;
  what the environment leaves unset comes from the class's `consumer_defaults`, else the
  runtime's defaults);
- `inbox`: inbox retention and purging (`SHOP_<CONTEXT>_INBOX_*`, `InboxSettings`).

Bad values refuse to build the settings, so the process does not start.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

from pydantic import PrivateAttr, field_validator

from shop.common.consumer.options import ConsumerOptions
from shop.common.consumer.settings import ConsumerSettings
from shop.common.messaging_settings import InboxSettings, OutboxMode
from shop.common.settings import ServiceSettings


class ContextProcessSettings(ServiceSettings):
    """Settings of one context's process; `context` names the context (its schema)."""

    context: ClassVar[str]
    consumer_defaults: ClassVar[Mapping[str, object]] = MappingProxyType({})
    """The context's own consumer defaults (`ConsumerSettings` fields), e.g. `PACED`."""

    outbox_mode: OutboxMode = OutboxMode.RELAY
    _consumer: ConsumerOptions = PrivateAttr()
    _inbox: InboxSettings = PrivateAttr()

    def model_post_init(self, __context: Any) -> None:
        super().model_post_init(__context)
        self._consumer = ConsumerSettings.for_context(
            self.context, self.consumer_defaults
        ).options()
        self._inbox = InboxSettings.for_schema(self.context)

    @property
    def consumer(self) -> ConsumerOptions:
        """How the context's worker consumes: retries, backoff, records per poll and batch."""
        return self._consumer

    @property
    def inbox(self) -> InboxSettings:
        """How long the context keeps handled event ids, and how it purges them."""
        return self._inbox

    @field_validator("outbox_mode", mode="before")
    @classmethod
    def _parse_outbox_mode(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        try:
            return OutboxMode(value.strip().lower())
        except ValueError:
            choices = " or ".join(mode.value for mode in OutboxMode)
            raise ValueError(f"is {value!r}; expected {choices}") from None
