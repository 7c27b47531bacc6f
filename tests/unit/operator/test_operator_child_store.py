from typing import Any

from shopkeeper import constants as c
from shopkeeper import kinds
from shopkeeper.child_store import ChildStore


def _deployment(
    name: str, *, platform: str = "shop", ready: int = 0, generation: int = 1, rv: str = "1"
) -> dict[str, Any]:
    meta = {
        "name": name,
        "namespace": "ns",
        "uid": f"uid-{name}",
        "generation": generation,
        "resourceVersion": rv,
        "labels": {c.PLATFORM_LABEL: platform},
    }
    status = {"observedGeneration": generation, "readyReplicas": ready, "updatedReplicas": ready}
    return {"metadata": meta, "spec": {"replicas": 1}, "status": status}


def _store() -> tuple[ChildStore, list[tuple[str, str]]]:
    woken: list[tuple[str, str]] = []
    return ChildStore(lambda namespace, platform: woken.append((namespace, platform))), woken


def test_a_listed_child_is_seen_by_its_platform_and_wakes_it() -> None:
    store, woken = _store()
    store.replace(kinds.DEPLOYMENT, "ns", [_deployment("api")])
    assert set(store.children("ns", "shop")) == {("Deployment", "api")}
    assert store.children("ns", "other") == {}
    assert woken == [("ns", "shop")]


def test_a_status_update_that_changes_nothing_read_wakes_nobody() -> None:
    store, woken = _store()
    store.update(kinds.DEPLOYMENT, "ns", "ADDED", _deployment("api", rv="1"))
    store.update(kinds.DEPLOYMENT, "ns", "MODIFIED", _deployment("api", rv="2"))
    assert woken == [("ns", "shop")]
    store.update(kinds.DEPLOYMENT, "ns", "MODIFIED", _deployment("api", ready=1, rv="3"))
    assert store.children("ns", "shop")[("Deployment", "api")].ready
    assert woken == [("ns", "shop")] * 2


def test_a_deleted_child_is_gone_and_wakes_its_platform() -> None:
    store, woken = _store()
    store.update(kinds.DEPLOYMENT, "ns", "ADDED", _deployment("api"))
    store.update(kinds.DEPLOYMENT, "ns", "DELETED", _deployment("api"))
    assert store.children("ns", "shop") == {}
    assert woken == [("ns", "shop")] * 2


def test_a_new_list_forgets_children_it_no_longer_has() -> None:
    store, woken = _store()
    store.replace(kinds.DEPLOYMENT, "ns", [_deployment("api"), _deployment("worker")])
    store.replace(kinds.DEPLOYMENT, "ns", [_deployment("api")])
    assert set(store.children("ns", "shop")) == {("Deployment", "api")}
    assert woken.count(("ns", "shop")) == 3


def test_a_child_relabelled_to_another_platform_moves_and_wakes_both() -> None:
    store, woken = _store()
    store.update(kinds.DEPLOYMENT, "ns", "ADDED", _deployment("api", platform="a"))
    store.update(kinds.DEPLOYMENT, "ns", "MODIFIED", _deployment("api", platform="b"))
    assert store.children("ns", "a") == {}
    assert set(store.children("ns", "b")) == {("Deployment", "api")}
    assert woken == [("ns", "a"), ("ns", "a"), ("ns", "b")]


def test_streams_of_different_kinds_do_not_replace_each_other() -> None:
    store, _ = _store()
    store.replace(kinds.DEPLOYMENT, "ns", [_deployment("api")])
    service = {**_deployment("api"), "status": {}}
    store.replace(kinds.SERVICE, "ns", [service])
    store.replace(kinds.SERVICE, "ns", [])
    assert set(store.children("ns", "shop")) == {("Deployment", "api")}
