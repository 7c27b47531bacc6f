"""One checkout is one trace in Jaeger, from the basket's API to the notification worker."""

from __future__ import annotations

from e2e.local_shop import LocalShop, eventually
from e2e.observed import Trace, spans_by_service, trace_mentioning
from localinfra.observability import Observability

CONTEXTS = ("basket", "ordering", "catalog", "payment", "notification")


def contexts_in(trace: Trace | None) -> set[str]:
    """The bounded contexts whose processes (`ordering-worker`, `shop-ordering-relay`) span."""
    services = {service for service, _name in spans_by_service(trace)} if trace else set()
    return {context for context in CONTEXTS for service in services if context in service}


async def test_one_trace_runs_from_the_checkout_to_the_notification(
    shop: LocalShop, observability: Observability
) -> None:
    jaeger = observability.jaeger
    assert jaeger is not None  # the session's backends trace
    product = await shop.create_product(stock=3)
    order_id = await shop.order_of(product, quantity=1)
    order = await shop.final_order(order_id)
    assert order["status"] == "CONFIRMED"

    trace = await eventually(
        lambda: trace_mentioning(jaeger, "basket-api", str(order_id)),
        lambda found: contexts_in(found) == set(CONTEXTS),
        f"one trace of order {order_id} through {', '.join(CONTEXTS)}",
        within=90,
    )

    assert trace is not None
    spans = spans_by_service(trace)
    print(f"\ntrace {trace['traceID']} of order {order_id}: {len(spans)} spans")
    for service, name in spans:
        print(f"  {service:<28} {name}")
    assert spans[0][0] == "basket-api"  # the checkout request is the root
    assert len({span["traceID"] for span in trace["spans"]}) == 1
