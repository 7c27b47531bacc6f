"""Sending one message: bounded retries with backoff, behind the channel's circuit breaker; the
messages sent, remembered so that an event applied again after a rollback is not sent twice."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from shop.notification.domain.circuit_breaker import CircuitBreaker
from shop.notification.domain.delivery import OutgoingMessage
from shop.notification.domain.retry import RetryPolicy
from shop.notification.service_layer.unit_of_work import Channel, DeliveryError

log = logging.getLogger(__name__)


class BreakerBox:
    """Holds a channel's current breaker for this process (one per channel, from bootstrap)."""

    def __init__(self, breaker: CircuitBreaker) -> None:
        self.breaker = breaker


@dataclass(frozen=True)
class DeliveryOutcome:
    """What one delivery came to: the message (no recipient: none known), the attempts made
    and the error that stopped it (None: sent)."""

    recipient: str | None
    subject: str
    body: str
    attempts: int
    error: str | None


class SentMessages:
    """The deliveries this process sent, by event and template, the latest `capacity` of them.

    A delivery is sent inside its message's transaction, which may still roll back after the
    send: a later message of its batch fails, the commit fails, the database drops the
    connection. The event is then applied again (the batch's messages before the failing one,
    or the message's own retry); its deliveries are logged from here, with what was sent,
    instead of sent twice. A committed delivery is never asked for again (the event's
    templates with a delivery logged are not sent), so entries only age out. Another process
    applying the event (after a rebalance or a crash) knows nothing of them and sends again:
    at least once, as before."""

    def __init__(self, capacity: int = 4096) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._sent: OrderedDict[tuple[UUID, str], DeliveryOutcome] = OrderedDict()

    def get(self, event_id: UUID, template: str) -> DeliveryOutcome | None:
        """The outcome of the delivery sent for `event_id` with `template`, if remembered."""
        return self._sent.get((event_id, template))

    def add(self, event_id: UUID, template: str, outcome: DeliveryOutcome) -> None:
        """Remember a sent delivery, forgetting the oldest beyond the capacity."""
        self._sent[event_id, template] = outcome
        if len(self._sent) > self._capacity:
            self._sent.popitem(last=False)

    def __len__(self) -> int:
        return len(self._sent)


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
