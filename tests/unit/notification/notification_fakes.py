"""In-memory notification unit of work, a channel that fails on demand, a scripted lookup."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from uuid import UUID

from shop.notification.domain.delivery import Delivery, OutgoingMessage
from shop.notification.domain.template import Template
from shop.notification.service_layer.unit_of_work import DeliveryError, LookupFailedError
from support.fakes import FakeUnitOfWork


class FakeTemplates:
    def __init__(self, deliveries: FakeDeliveries) -> None:
        self.rows: dict[str, Template] = {}
        self._deliveries = deliveries

    async def get(self, name: str) -> Template | None:
        return self.rows.get(name)

    async def for_event(
        self, event_type: str, *, undelivered_for: UUID | None = None
    ) -> list[Template]:
        delivered = {
            d.template for d in self._deliveries.rows if d.cause_event_id == undelivered_for
        }
        return [
            t for t in self.rows.values() if t.event_type == event_type and t.name not in delivered
        ]

    async def list_all(self) -> list[Template]:
        return list(self.rows.values())

    async def save(self, template: Template) -> None:
        self.rows[template.name] = template

    async def delete(self, name: str) -> bool:
        return self.rows.pop(name, None) is not None


class FakeDeliveries:
    def __init__(self) -> None:
        self.rows: list[Delivery] = []

    async def add(self, delivery: Delivery) -> None:
        self.rows.append(delivery)


class FakeNotificationUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.deliveries = FakeDeliveries()
        self.templates = FakeTemplates(self.deliveries)

    def aggregates(self) -> Iterable[Delivery]:
        return self.deliveries.rows


class FlakyChannel:
    """Fails the first `failures` sends, then delivers into `sent`."""

    name = "flaky"

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.calls = 0
        self.sent: list[OutgoingMessage] = []

    async def send(self, message: OutgoingMessage) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise DeliveryError(f"refused (call {self.calls})")
        self.sent.append(message)


class ScriptedLookup:
    def __init__(self, answer: Mapping[str, object] | None, fail: bool = False) -> None:
        self.answer = answer
        self.fail = fail
        self.asked: list[UUID] = []

    async def find(self, order_id: UUID) -> Mapping[str, object] | None:
        self.asked.append(order_id)
        if self.fail:
            raise LookupFailedError("ordering is unreachable")
        return self.answer
