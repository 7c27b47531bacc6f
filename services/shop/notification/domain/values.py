"""The values a template is rendered with: the event's data, completed by an order lookup.

The event is the fact at the time it happened, so its values win; a lookup only fills what
the event lacks (an e-mail address missing from a payment event, say). A field the event's type
defines is not lacking when the data omits it: it is null (event data drops null fields), so an
order event without `email` says the order has none, and a lookup (an order's terms never change
once placed) could only answer the same (`stated`). When the lookup fails, the event's data
alone is used and templates fall back to their placeholder defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal


def flatten(data: Mapping[str, object]) -> dict[str, str]:
    """Scalar fields as text; order lines summarised as `items` (`2 x Mug, 1 x Tea`)."""
    values: dict[str, str] = {}
    for key, value in data.items():
        if key == "lines" and isinstance(value, Sequence) and not isinstance(value, str):
            summary = _items(value)
            if summary:
                values["items"] = summary
        elif isinstance(value, str | int | Decimal | float) and not isinstance(value, bool):
            values[key] = str(value)
    return values


def template_values(
    event_data: Mapping[str, object], looked_up: Mapping[str, object] | None
) -> dict[str, str]:
    values = flatten(looked_up) if looked_up else {}
    values.update(flatten(event_data))
    return values


def stated(data: Mapping[str, object], fields: Iterable[str] = ()) -> frozenset[str]:
    """The values an event states, as `flatten` names them: those in its `data`, and the
    `fields` its type defines that the data omits, which are null (event data drops null
    fields). Its lines state `items`, even with none to summarise."""
    names = set(flatten(data)).union(fields)
    if "lines" in names or "lines" in data:
        names.add("items")
    return frozenset(names)


def recipient(values: Mapping[str, str]) -> str | None:
    """Who gets the message: the e-mail address if known, else the customer id."""
    return values.get("email") or values.get("customer_id")


def _items(lines: Sequence[object]) -> str:
    parts = []
    for line in lines:
        if isinstance(line, Mapping) and "quantity" in line:
            parts.append(f"{line['quantity']} x {line.get('name') or line.get('product_id')}")
    return ", ".join(parts)
