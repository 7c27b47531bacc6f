"""A mock card gateway: declines a configurable share of charges, after a configurable delay.

Its answer for an order depends only on the seed and the order id, so a charge retried with the
same order (the idempotency key) gets the same answer, and tests can pick a seed and know the
outcome. Without a seed, a random one is drawn per gateway instance.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import secrets
from collections.abc import Awaitable, Callable
from decimal import Decimal
from uuid import UUID

from shop.payment.domain.gateway import ChargeResult

DECLINED = "card-declined"


class MockGateway:
    def __init__(
        self,
        *,
        failure_rate: float,
        latency_seconds: float = 0.0,
        seed: int | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if not 0.0 <= failure_rate <= 1.0:
            raise ValueError(f"failure_rate must be between 0 and 1, not {failure_rate}")
        if latency_seconds < 0:
            raise ValueError(f"latency_seconds must not be negative, not {latency_seconds}")
        self.failure_rate = failure_rate
        self.latency_seconds = latency_seconds
        self._seed = seed if seed is not None else secrets.randbits(64)
        self._sleep = sleep

    def decide(self, order_id: UUID) -> ChargeResult:
        """The gateway's answer for this order (pure: the same order, the same answer)."""
        draw = random.Random(f"{self._seed}:{order_id}")
        if draw.random() < self.failure_rate:
            return ChargeResult(approved=False, reason=DECLINED)
        digest = hashlib.sha256(f"{self._seed}:{order_id}".encode()).hexdigest()[:24]
        return ChargeResult(approved=True, reference=f"mock_ch_{digest}")

    async def charge(self, order_id: UUID, amount: Decimal, currency: str) -> ChargeResult:
        await self._sleep(self.latency_seconds)
        return self.decide(order_id)

    async def refund(self, reference: str, amount: Decimal, currency: str) -> None:
        await self._sleep(self.latency_seconds)
