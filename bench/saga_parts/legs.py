"""Where each saga's time went, leg by leg, from what the stack already records per order.

An order that got past its payment step leaves, besides the client's send of its checkout:
- ordering's history entries `placed`, `stock-reserved` and the final one (`confirmed`, or
  `cancelled` after a failed payment), each at its handler's clock and naming the event that
  caused it, whose uuid7 id carries the producing handler's clock (ms): basket's checkout,
  catalog's reservation, payment's answer;
- payment's row, inserted by the transaction that charged it (`created_at`: that
  transaction's start).

Its legs, which add up to the saga: the checkout (client send to basket's event), then each
hop (an event's creation to the handler that takes it up: its writer's commit, the relay,
Kafka, the consumer's wait), with catalog's handler inside its leg and payment's (the card
gateway's wait in it) a leg of its own. The saga ends, as `bench.saga` measures it, at the
final entry's clock; the client's stream shows it later (`seen`, apart from the saga).
`parallel` estimates, from the same legs, a saga that asked for the reservation and the payment
at once (the longer branch with its way back), which the saga does not do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from bench.saga_parts.steps import percentile

LEGS = (
    ("checkout", "client send -> basket's checkout event"),
    ("to_ordering", "basket's event -> ordering places the order"),
    ("via_catalog", "placed -> catalog's reservation event (its handler in it)"),
    ("to_ordering_reserved", "catalog's event -> ordering takes it up"),
    ("to_payment", "ordering asks for payment -> payment's transaction starts"),
    ("payment", "payment's transaction -> its answer (the card gateway's wait in it)"),
    ("to_ordering_paid", "payment's answer -> ordering's final status"),
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ORDERS = """
WITH entries AS (
  SELECT order_id, kind, at, cause_event_id,
         row_number() OVER (PARTITION BY order_id, kind ORDER BY sequence) AS nth
  FROM ordering.order_history WHERE order_id = ANY($1::uuid[]))
SELECT placed.order_id, placed.cause_event_id, placed.at, reserved.cause_event_id, reserved.at,
       paid.created_at, final.cause_event_id, final.at
FROM entries placed
JOIN entries reserved ON reserved.order_id = placed.order_id AND reserved.kind = 'stock-reserved'
JOIN entries final ON final.order_id = placed.order_id AND final.nth = 1
     AND final.kind IN ('confirmed', 'cancelled')
JOIN payment.payments paid ON paid.order_id = placed.order_id
WHERE placed.kind = 'placed' AND placed.nth = 1"""


def uuid7_time(event_id: Any) -> datetime:
    """The creation time (ms) a uuid7 event id carries."""
    return _EPOCH + timedelta(milliseconds=int(event_id.int >> 80))


@dataclass(frozen=True)
class Sent:
    """A checkout the client sent: its order and when (the client's clock)."""

    order_id: str
    at: datetime
    seen_ms: float
    """From the final status to its arrival in the client's stream."""


def order_legs(sent_at: datetime, row: Sequence[Any]) -> dict[str, float]:
    """One order's legs in ms, from its send and its `_ORDERS` row."""
    _, checkout_id, placed_at, reserved_id, reserved_at, paid_at, answer_id, final_at = row
    marks = [
        sent_at,
        uuid7_time(checkout_id),
        placed_at,
        uuid7_time(reserved_id),
        reserved_at,
        paid_at,
        uuid7_time(answer_id),
        final_at,
    ]
    return {
        name: (later - earlier).total_seconds() * 1000
        for (name, _), earlier, later in zip(LEGS, marks[:-1], marks[1:], strict=True)
    }


def parallel(legs: dict[str, float]) -> float:
    """The saga's ms had ordering asked for the reservation and the payment at once."""
    catalog = legs["via_catalog"] + legs["to_ordering_reserved"]
    payment = legs["to_payment"] + legs["payment"] + legs["to_ordering_paid"]
    return legs["checkout"] + legs["to_ordering"] + max(catalog, payment)


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(values, 0.5), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
    }


def summary(per_order: Iterable[tuple[dict[str, float], float]]) -> dict[str, Any]:
    """Over the orders (each its legs and `seen` ms): each leg's p50 and p99 (ms), the saga
    (their sum), `parallel`'s estimate and `seen`."""
    orders = list(per_order)
    if not orders:
        return {"orders": 0}
    return {
        "orders": len(orders),
        "legs": {name: _spread([legs[name] for legs, _ in orders]) for name, _ in LEGS},
        "saga": _spread([sum(legs.values()) for legs, _ in orders]),
        "parallel": _spread([parallel(legs) for legs, _ in orders]),
        "seen": _spread([seen for _, seen in orders]),
    }


async def saga_legs(dsn: str, sent: Sequence[Sent]) -> dict[str, Any]:
    """The legs of the sent orders that got past their payment step (`summary`)."""
    if not sent:
        return {"orders": 0}
    by_id = {s.order_id: s for s in sent}
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(_ORDERS, list(by_id))
    finally:
        await connection.close()
    return summary(
        (order_legs(by_id[str(row[0])].at, row), by_id[str(row[0])].seen_ms) for row in rows
    )


def line(legs: dict[str, Any], saga_p50_ms: float | None, gateway_seconds: float) -> str:
    """The step's legs (p50, ms) below its row, and the saga's p50 apart from the card
    gateway's configured wait (the external provider's share, which the shop cannot cut)."""
    gateway_ms = gateway_seconds * 1000
    own = "-" if saga_p50_ms is None else f"{saga_p50_ms - gateway_ms:.0f}"
    if not legs.get("orders"):
        shown = "no order got past its payment step"
    else:
        shown = ", ".join(f"{name} {legs['legs'][name]['p50_ms']:.0f}" for name, _ in LEGS)
        shown += (
            f"; seen by the client {legs['seen']['p50_ms']:.0f} later;"
            f" reservation and payment at once would give {legs['parallel']['p50_ms']:.0f}"
        )
    return (
        f"{'':>10}legs p50 ms ({legs.get('orders', 0)} orders): {shown}; the card gateway waits"
        f" {gateway_ms:.0f} ms a charge, the saga's p50 without it {own} ms"
    )
