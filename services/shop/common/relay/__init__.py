"""The built-in outbox relay (`shop run <context>-relay`)."""

from shop.common.relay.metrics import RelayMetrics
from shop.common.relay.options import RelayOptions, RelaySettings
from shop.common.relay.runner import OutboxRelay

__all__ = ["OutboxRelay", "RelayMetrics", "RelayOptions", "RelaySettings"]
