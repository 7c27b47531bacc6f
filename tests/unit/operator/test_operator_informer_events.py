"""The informer's watch events: bookmarks move the resume version and change nothing."""

import json
from typing import Any

import httpx2
import msgspec
import pytest
from lightkube import AsyncClient, KubeConfig
from lightkube.config.models import Cluster, User
from lightkube.core.generic_client import BasicRequest, WatchDriver
from lightkube.resources.apps_v1 import Deployment

from shopkeeper import constants as c
from shopkeeper import kinds
from shopkeeper.informer import ChildInformer, VersionGoneError

LABELS = {c.MANAGED_BY_LABEL: c.MANAGED_BY_VALUE, c.PLATFORM_LABEL: "shop"}
BOOKMARK_OBJECT = {
    "kind": "Deployment",
    "apiVersion": "apps/v1",
    "metadata": {"resourceVersion": "15"},
}
BOOKMARK = {"type": "BOOKMARK", "object": BOOKMARK_OBJECT}
"""What kube-apiserver sends a watch that asked for bookmarks: the kind, a version, no spec."""
EXPIRED = {
    "type": "ERROR",
    "object": {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 410},
}


def _deployment(rv: str) -> dict[str, Any]:
    meta = {"name": "api", "namespace": "ns", "uid": "u", "generation": 1, "resourceVersion": rv}
    return {
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": {**meta, "labels": LABELS},
        "spec": {"replicas": 1},
        "status": {"observedGeneration": 1, "readyReplicas": 1, "updatedReplicas": 1},
    }


def _informer(
    handler: Any = None,
) -> tuple[ChildInformer, AsyncClient, list[tuple[str, str]]]:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise AssertionError(f"unexpected request {request.url}")

    config = KubeConfig.from_one(cluster=Cluster(server="https://kube.test"), user=User(token="t"))
    client = AsyncClient(config=config, transport=httpx2.MockTransport(handler or refuse))
    woken: list[tuple[str, str]] = []
    informer = ChildInformer(client, ["ns"], lambda ns, platform: woken.append((ns, platform)))
    return informer, client, woken


async def test_a_bookmark_moves_the_resume_version_and_changes_nothing() -> None:
    informer, client, woken = _informer()
    informer.deliver(kinds.DEPLOYMENT, "ns", "ADDED", _deployment("11"))
    before = informer.children("ns", "shop")
    assert woken == [("ns", "shop")]

    informer.deliver(kinds.DEPLOYMENT, "ns", "BOOKMARK", BOOKMARK_OBJECT)

    assert informer.resume_version(kinds.DEPLOYMENT, "ns") == "15"
    assert informer.children("ns", "shop") == before
    assert woken == [("ns", "shop")]
    await client.close()


async def test_the_watch_asks_for_bookmarks_and_resumes_from_one() -> None:
    requests: list[httpx2.Request] = []

    def serve(request: httpx2.Request) -> httpx2.Response:
        requests.append(request)
        # The first request ends (as the server ends it at timeoutSeconds); the second, resumed
        # from the bookmark's version, is told that version is gone.
        events = [{"type": "ADDED", "object": _deployment("11")}, BOOKMARK]
        lines = events if len(requests) == 1 else [EXPIRED]
        return httpx2.Response(200, content="".join(json.dumps(e) + "\n" for e in lines))

    informer, client, woken = _informer(serve)
    with pytest.raises(VersionGoneError):
        await informer.follow(kinds.DEPLOYMENT, "ns", "10")
    await client.close()

    first, second = (request.url.params for request in requests)
    assert requests[0].url.path == "/apis/apps/v1/namespaces/ns/deployments"
    assert first["watch"] == "true"
    assert first["allowWatchBookmarks"] == "true"
    assert first["resourceVersion"] == "10"
    assert first["timeoutSeconds"] == "270"
    assert first["labelSelector"] == f"{c.MANAGED_BY_LABEL}={c.MANAGED_BY_VALUE},{c.PLATFORM_LABEL}"
    assert second["resourceVersion"] == "15"
    assert set(informer.children("ns", "shop")) == {("Deployment", "api")}
    assert woken == [("ns", "shop")]


def test_lightkubes_own_watch_cannot_decode_a_deployments_bookmark() -> None:
    """Why the informer decodes watch events itself (see its module docstring)."""
    driver = WatchDriver(BasicRequest("GET", "/apis/apps/v1/deployments", Deployment), None)
    with pytest.raises(msgspec.ValidationError, match="spec"):
        driver.process_one_line(json.dumps(BOOKMARK).encode())  # type: ignore[no-untyped-call]
