"""Sending one message: bounded retries with backoff, behind the channel's circuit breaker."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from shop.notification.domain.circuit_breaker import CircuitBreaker
from shop.notification.domain.delivery import OutgoingMessage
from shop.notification.domain.retry import RetryPolicy
from shop.notification.service_layer.unit_of_work import Channel, DeliveryError

log = logging.getLogger(__name__)


class BreakerBox:
    """Holds a channel's current breaker for this process (one per channel, from bootstrap)."""

    def __init__(self, breaker: CircuitBreaker) -> None:
        self.breaker = breaker


async def send_with_retries(
    message: OutgoingMessage,
    *,
    channel: Channel,
    policy: RetryPolicy,
    box: BreakerBox,
    clock: Callable[[], datetime],
    sleep: Callable[[float], Awaitable[None]],
) -> tuple[int, str | None]:
    """Attempts made and the last error (None once sent). An open breaker stops at once."""
    error: str | None = None
    for attempt in range(1, policy.attempts + 1):
        allowed, box.breaker = box.breaker.before_call(clock())
        if not allowed:
            return attempt - 1, f"circuit open: {channel.name} is failing" + (
                f" ({error})" if error else ""
            )
        try:
            await channel.send(message)
        except DeliveryError as err:
            box.breaker = box.breaker.on_failure(clock())
            error = str(err) or type(err).__name__
            log.warning("%s delivery attempt %d failed: %s", channel.name, attempt, error)
        else:
            box.breaker = box.breaker.on_success()
            return attempt, None
        if attempt < policy.attempts:
            await sleep(policy.delay_after(attempt).total_seconds())
    return policy.attempts, error
