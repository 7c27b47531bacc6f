"""A message the reports worker cannot apply shows up in the reports API's dead letters."""

from __future__ import annotations

from e2e.faults import publish_poison_order_event
from e2e.local_shop import LocalShop, eventually
from localinfra.kafka import KafkaBroker
from shop.topology import ORDER


async def test_a_poison_order_event_is_listed_among_the_reports_dead_letters(
    shop: LocalShop, kafka: KafkaBroker
) -> None:
    event_id = await publish_poison_order_event(kafka.bootstrap_servers)

    async def letters() -> list[dict[str, object]]:
        found: list[dict[str, object]] = await shop.get("reports", "/reports/dead-letters")
        return found

    found = await eventually(
        letters, lambda ls: any(x["event_id"] == event_id for x in ls), "the dead letter", 90
    )
    (letter,) = [x for x in found if x["event_id"] == event_id]
    assert letter["topic"] == "shop.ordering.order.shop.reports.dlq"
    assert letter["original_topic"] == ORDER.name
    assert letter["consumer_group"] == "shop.reports"
    assert letter["error_type"]
