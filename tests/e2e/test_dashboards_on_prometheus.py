"""Every panel of the chart's shop dashboards, and every recording rule, has data in a real
Prometheus scraping the shop after an order load (with a 404 and a dead-lettered event in it).

The operator's dashboard needs a running operator on a cluster; tests/integration/operator
checks those metrics at their source instead.
"""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest

from e2e.faults import publish_poison_order_event
from e2e.local_shop import LocalShop, eventually
from e2e.observed import query_of
from localinfra.kafka import KafkaBroker
from localinfra.observability import Observability
from support.grafana import as_prometheus_sees_it, dashboard_files, panel_queries

ORDERS = 5
OPERATOR_DASHBOARD = "operator"
SHOP_DASHBOARDS = [path for path in dashboard_files() if path.stem != OPERATOR_DASHBOARD]


@pytest.fixture(scope="module")
async def order_load(shop: LocalShop, kafka: KafkaBroker) -> None:
    """Orders confirmed, an unknown order asked for, a poison event dead-lettered."""
    product = await shop.create_product(stock=ORDERS * 2)
    orders = [await shop.order_of(product, quantity=1) for _ in range(ORDERS)]
    for order_id in orders:
        assert (await shop.final_order(order_id))["status"] == "CONFIRMED"
    missing = await shop.http.get(f"{shop.apis['ordering']}/orders/{uuid4()}")
    assert missing.status_code == 404
    await publish_poison_order_event(kafka.bootstrap_servers)


def test_the_operator_dashboard_is_the_only_one_left_out() -> None:
    assert {path.stem for path in dashboard_files()} - {p.stem for p in SHOP_DASHBOARDS} == {
        OPERATOR_DASHBOARD
    }


@pytest.mark.parametrize("path", SHOP_DASHBOARDS, ids=lambda path: path.stem)
async def test_every_panel_query_returns_data(
    path: Path, order_load: None, observability: Observability
) -> None:
    empty: dict[str, str] = {}
    for title, expr in panel_queries(path):
        sent = as_prometheus_sees_it(expr)
        try:
            await eventually(query_of(observability.prometheus, sent), bool, title, within=60)
        except AssertionError:
            empty[title] = sent
    assert empty == {}


async def test_every_rule_evaluates_and_every_recording_rule_returns_data(
    order_load: None, observability: Observability
) -> None:
    prometheus = observability.prometheus
    groups = prometheus.rule_groups()
    rules = [rule for group in groups for rule in group["rules"]]
    assert len(rules) >= 5
    assert [(r["name"], r.get("lastError")) for r in rules if r["health"] != "ok"] == []
    for rule in (r for r in rules if r["type"] == "recording"):
        await eventually(query_of(prometheus, rule["name"]), bool, rule["name"])
