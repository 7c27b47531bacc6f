from itertools import count

import pytest

from shop.devstack.plan import (
    Kind,
    Layout,
    OutboxMode,
    env_prefix,
    missing_entrypoints,
    plan_processes,
    process_env,
    publishing_contexts,
)
from shop.topology import CONTEXTS


def ports() -> "count[int]":
    return count(20000)


def test_relay_mode_runs_a_relay_for_each_context_that_publishes() -> None:
    specs = plan_processes(CONTEXTS, OutboxMode.RELAY, ports().__next__)
    relays = [spec.context for spec in specs if spec.kind is Kind.RELAY]
    assert relays == list(publishing_contexts())
    assert "reports" not in relays
    assert {spec.name for spec in specs} >= {"ordering-api", "ordering-worker", "reports-api"}


def test_debezium_mode_runs_no_relay() -> None:
    specs = plan_processes(CONTEXTS, OutboxMode.DEBEZIUM, ports().__next__)
    assert all(spec.kind is not Kind.RELAY for spec in specs)
    assert len(specs) == 2 * len(CONTEXTS)


def test_every_process_gets_its_own_loopback_port() -> None:
    specs = plan_processes(CONTEXTS, OutboxMode.RELAY, ports().__next__)
    assert len({spec.port for spec in specs}) == len(specs)
    assert all(spec.url.startswith("http://127.0.0.1:") for spec in specs)
    assert specs[0].argv[-2:] == ["run", specs[0].name]


def test_unknown_context_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown contexts: shipping"):
        plan_processes(["catalog", "shipping"], OutboxMode.RELAY, ports().__next__)


def test_process_env_places_it_on_its_port_under_both_prefixes() -> None:
    (relay,) = plan_processes(["catalog"], OutboxMode.RELAY, ports().__next__)[:1]
    env = process_env(relay, {})
    assert env["SHOP_RELAY_HTTP_PORT"] == env["SHOP_HTTP_PORT"] == str(relay.port)
    assert env["SHOP_HTTP_HOST"] == "127.0.0.1"
    assert env_prefix("basket", Kind.API) == "SHOP_BASKET_"


def test_basket_and_notification_are_linked_to_the_ordering_api() -> None:
    specs = plan_processes(CONTEXTS, OutboxMode.RELAY, ports().__next__)
    apis = {spec.context: spec.url for spec in specs if spec.kind is Kind.API}
    by_name = {spec.name: spec for spec in specs}
    assert process_env(by_name["basket-api"], apis)["SHOP_BASKET_ORDERING_URL"] == apis["ordering"]
    notify = process_env(by_name["notification-worker"], apis)
    assert notify["SHOP_NOTIFICATION_ORDERING_URL"] == apis["ordering"]
    catalog = process_env(by_name["catalog-api"], apis)
    assert not any(key.endswith("ORDERING_URL") for key in catalog)


def test_every_context_is_wired_and_an_unknown_one_is_reported_missing() -> None:
    assert missing_entrypoints() == {}
    assert missing_entrypoints(["nowhere"]) == {
        "nowhere": ["shop.nowhere.entrypoints.api", "shop.nowhere.entrypoints.worker"]
    }


def test_the_web_app_server_comes_last_and_stops_first() -> None:
    specs = plan_processes(["catalog"], OutboxMode.RELAY, ports().__next__, storefront=True)
    web = specs[-1]
    assert (web.name, web.kind) == ("storefront-web", Kind.WEB)
    assert web.argv[-2:] == ["run", "storefront-web"]
    assert process_env(web, {})["SHOP_STOREFRONT_HTTP_PORT"] == str(web.port)
    assert all(
        s.kind is not Kind.WEB
        for s in plan_processes(["catalog"], OutboxMode.RELAY, ports().__next__)
    )


def test_the_combined_layout_runs_one_process_per_context_with_its_worker_and_relay() -> None:
    specs = plan_processes(CONTEXTS, OutboxMode.RELAY, ports().__next__, layout=Layout.COMBINED)
    assert [spec.context for spec in specs] == list(CONTEXTS)
    by_context = {spec.context: spec for spec in specs}
    assert by_context["ordering"].name == "ordering-api+worker+relay"
    assert by_context["reports"].name == "reports-api+worker"  # it publishes nothing
    assert by_context["ordering"].argv[-2:] == ["run", "ordering-api+worker+relay"]
    assert by_context["payment"].runs("payment", Kind.WORKER)
    assert not by_context["payment"].runs("ordering", Kind.WORKER)
    debezium = plan_processes(
        CONTEXTS, OutboxMode.DEBEZIUM, ports().__next__, layout=Layout.COMBINED
    )
    assert all(spec.name.endswith("-api+worker") for spec in debezium)
