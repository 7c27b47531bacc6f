"""Every consumer route names an event type that a topic the context consumes carries.

A typo in a route's event type would otherwise be silently ignored at runtime: no message of
that type ever reaches the group.
"""

from __future__ import annotations

import importlib

import pytest

from shop.topology import CONSUMES, events_consumed_by


def _event_types_routed(context: str) -> set[str]:
    consumers = importlib.import_module(f"shop.{context}.entrypoints.consumers")
    return set(consumers.INBOUND)


def _not_consumed(context: str, routed: set[str]) -> set[str]:
    return routed - events_consumed_by(context)


@pytest.mark.parametrize("context", sorted(CONSUMES))
def test_each_routed_event_type_is_carried_by_a_consumed_topic(context: str) -> None:
    routed = _event_types_routed(context)
    assert routed, f"{context} consumes {[t.name for t in CONSUMES[context]]} but routes nothing"
    assert _not_consumed(context, routed) == set()


def test_a_misspelt_route_or_one_on_a_topic_not_consumed_is_caught() -> None:
    routed = {"order.confirmed", "order.canceled", "payment.failed"}
    assert _not_consumed("reports", routed) == {"order.canceled", "payment.failed"}
