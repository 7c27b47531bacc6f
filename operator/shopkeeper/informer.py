"""The children's informer: one list-then-watch per child kind (and served namespace) feeding a
`ChildStore`, which wakes a platform's loop when one of its children changes.

Children do not go through kopf: kopf keeps a memory and a worker per watched object and calls
its handlers (in threads) per event, which at 100 platforms (some 6,700 children and their
controllers' status updates) cost the operator more CPU than its applies. Here an event costs a
decode and `summarize`.

Each watch request asks the server to end it after `watch_seconds` and is then resumed from the
last version the stream delivered; the client gives up on a request `CLIENT_GRACE_SECONDS`
later (a connection that died silently). The kind is listed again only when the server no
longer has that version (410, often inside the stream) or a request failed.

Bookmarks. A request asks for them (`allowWatchBookmarks=true`): a BOOKMARK event carries only
a newer resourceVersion (every change of the watch up to it has been sent). kube-apiserver's
watch cache sends one about once a minute and one 2 s before the request's `timeoutSeconds`
(which is why the server, not the client, ends a request), and only with a version past the
one the watch started from. A bookmark moves the stream's resume version and nothing else: no
store update, no platform woken. Versions count for the whole resource type, so a kind whose
own (labelled) children are quiet while other objects of its type change would otherwise
resume from a version the server has dropped from its window, get 410 and list every child
again.

lightkube's `AsyncClient.watch` cannot do this: it takes no `allowWatchBookmarks` (nor any
other extra parameter), and it decodes every event's object into the kind's model, which a
bookmark's object fails for typed models with a required field (Deployment and
HorizontalPodAutoscaler need a `spec`: msgspec's ValidationError ends the stream). So
`_watch_events` builds the request with the client's own lightkube machinery (its generic
client's `prepare_request`, `build_adapter_request` and `send`: the same connection pool,
credentials and URL rules; `AsyncClient` exposes that client only as `_client`), adds the
parameter, and decodes each line with lightkube's `decoders` into a plain dict, which is what
the store reads anyway (ADR 0068).

The initial-events-end bookmark (annotated `k8s.io/initial-events-end`) closes the initial
events of a streaming list (`sendInitialEvents=true`). The informer lists (paged) and then
watches from the list's version instead, so the server sends it none; one would be handled as
any other bookmark.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any

import httpx2
import msgspec
from lightkube import ApiError, AsyncClient, operators
from lightkube.core import decoders
from lightkube.core.generic_client import GenericAsyncClient
from lightkube.core.selector import build_selector

from shopkeeper import constants as c
from shopkeeper import kube
from shopkeeper.child_store import ChildStore, OnChange
from shopkeeper.kinds import CHILD_KINDS, ChildKind
from shopkeeper.kube import resource_class
from shopkeeper.observation import ChildKey
from shopkeeper.readiness import ChildState

logger = logging.getLogger(__name__)

WATCH_SECONDS = 270
"""How long the server lets one watch request last (its `timeoutSeconds`) before the stream
resumes from its last version: shorter than load balancers' idle timeouts."""
CLIENT_GRACE_SECONDS = 30
"""The client ends a request this long after the server should have: the bound on how long a
dead connection goes unnoticed."""
CONNECT_SECONDS = 10.0
"""A watch request's connect, write and pool timeouts (its reads wait for the server)."""
UNSERVED_RETRY_SECONDS = 10.0
"""How soon a kind the cluster does not serve (no CRD) or lets us not list is listed again."""
ERROR_BACKOFF_SECONDS = (0.5, 1.0, 2.0, 5.0, 10.0)
"""Waits before listing again after failed lists or a broken watch."""
BOOKMARK = "BOOKMARK"
ERROR = "ERROR"
GONE = 410
FORBIDDEN = 403
_UNSERVED = (FORBIDDEN, kube.NOT_FOUND)
_SELECTOR: Any = {c.MANAGED_BY_LABEL: c.MANAGED_BY_VALUE, c.PLATFORM_LABEL: operators.exists()}


class VersionGoneError(Exception):
    """The server no longer has the version a watch was to resume from: list again."""


class ChildInformer:
    """Every managed child's state, by platform, kept current by list and watch."""

    def __init__(
        self,
        client: AsyncClient,
        namespaces: list[str],
        on_change: OnChange,
        *,
        watch_seconds: int = WATCH_SECONDS,
    ) -> None:
        self._client = client
        self._store = ChildStore(on_change)
        self._watch_seconds = watch_seconds
        scopes: list[str | None] = list(namespaces) or [None]
        self._streams = [(kind, scope) for kind in CHILD_KINDS for scope in scopes]
        self._pending = set(self._streams)
        """Streams not listed yet."""
        self._versions: dict[tuple[ChildKind, str | None], str] = {}
        """Each stream's resume version."""
        self._synced = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Start listing and watching (in the running event loop)."""
        self._tasks = [asyncio.create_task(self._run(*stream)) for stream in self._streams]

    async def stop(self) -> None:
        """Stop every watch."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def wait_synced(self) -> None:
        """Until every kind has been listed once (or found not served): the view is complete."""
        await self._synced.wait()

    def children(self, namespace: str, platform: str) -> dict[ChildKey, ChildState]:
        """Every child of a platform that the watches currently see, by (kind, name)."""
        return self._store.children(namespace, platform)

    def resume_version(self, kind: ChildKind, namespace: str | None) -> str | None:
        """The version the stream's next watch request starts after (None before its first
        list): the last change or bookmark it delivered."""
        return self._versions.get((kind, namespace))

    def deliver(
        self, kind: ChildKind, namespace: str | None, event_type: str, body: dict[str, Any]
    ) -> None:
        """One watch event of a stream. A change (ADDED, MODIFIED, DELETED) goes to the store,
        which wakes the child's platform if its summary changed; a BOOKMARK only moves the
        version the stream resumes from."""
        self._versions[(kind, namespace)] = str(body["metadata"]["resourceVersion"])
        if event_type != BOOKMARK:
            self._store.update(kind, namespace, event_type, body)

    async def follow(self, kind: ChildKind, namespace: str | None, version: str) -> None:
        """Feed the store from the stream's watch starting after `version`, each request
        resumed from the last version it delivered, until an error; `VersionGoneError` when the
        server no longer has the version to resume from."""
        stream = (kind, namespace)
        self._versions[stream] = version
        while True:
            events = self._watch_events(kind, namespace, self._versions[stream])
            try:
                async with (
                    aclosing(events) as delivered,
                    asyncio.timeout(self._watch_seconds + CLIENT_GRACE_SECONDS),
                ):
                    async for event_type, body in delivered:
                        self.deliver(kind, namespace, event_type, body)
            except TimeoutError:
                logger.info("%s: a watch request outlived its time, resuming", kind.plural)
            except httpx2.HTTPStatusError as err:
                if kube.status_code(err) == GONE:
                    raise VersionGoneError(str(err)) from err
                raise

    async def _watch_events(
        self, kind: ChildKind, namespace: str | None, version: str
    ) -> AsyncGenerator[tuple[str, dict[str, Any]], None]:
        """One watch request after `version`, with bookmarks, until the server ends it: each
        event's type and object (a plain dict). An error event raises lightkube's `ApiError`."""
        generic: GenericAsyncClient = self._client._client  # see the module's docstring
        request = generic.prepare_request(
            "list",
            res=resource_class(kind),
            namespace=_scope(namespace),
            watch=True,
            params={
                "labelSelector": build_selector(_SELECTOR),
                "resourceVersion": version,
                "timeoutSeconds": self._watch_seconds,
                "allowWatchBookmarks": "true",
            },
        )
        request.timeout = httpx2.Timeout(CONNECT_SECONDS, read=None)
        response = await generic.send(  # type: ignore[no-untyped-call]
            generic.build_adapter_request(request), stream=True
        )
        try:
            response.raise_for_status()
            async for line in response.aiter_lines():
                if not line:
                    continue
                event = decoders.decode_watch_event(line)
                if event.type == ERROR:
                    raise ApiError(status=decoders.decode_status(event.object))
                yield event.type, msgspec.json.decode(event.object)
        finally:
            await response.aclose()

    async def _run(self, kind: ChildKind, namespace: str | None) -> None:
        failures = 0
        while True:
            try:
                version = await self._relist(kind, namespace)
                failures = 0
                await self.follow(kind, namespace, version)
            except VersionGoneError as err:
                logger.debug("%s: listing again, %s", kind.plural, err)
            except httpx2.HTTPStatusError as err:
                code = kube.status_code(err)
                if code in _UNSERVED:
                    self._unserved(kind, namespace, code)
                    await asyncio.sleep(UNSERVED_RETRY_SECONDS)
                    continue
                failures += 1
                logger.info("%s: listing again after %s", kind.plural, err)
                await asyncio.sleep(_backoff(failures))
            except (httpx2.HTTPError, OSError) as err:
                failures += 1
                logger.info("%s: listing again after %s", kind.plural, err)
                await asyncio.sleep(_backoff(failures))
            except Exception:  # never lose a kind's watch for good
                failures += 1
                logger.exception("%s: watch failed, listing again", kind.plural)
                await asyncio.sleep(_backoff(failures))

    async def _relist(self, kind: ChildKind, namespace: str | None) -> str:
        """List the stream's children into the store; the list's resource version."""
        listing = self._client.list(
            resource_class(kind), namespace=_scope(namespace), labels=_SELECTOR
        )
        bodies = [_as_dict(obj) async for obj in listing]
        self._store.replace(kind, namespace, bodies)
        self._listed(kind, namespace)
        return listing.resourceVersion

    def _unserved(self, kind: ChildKind, namespace: str | None, code: int | None) -> None:
        """A kind the cluster does not serve (404) or the operator may not list (403): none."""
        if code == FORBIDDEN and (kind, namespace) in self._pending:
            logger.warning("%s: may not list them in %s", kind.plural, namespace or "the cluster")
        self._store.replace(kind, namespace, ())
        self._listed(kind, namespace)

    def _listed(self, kind: ChildKind, namespace: str | None) -> None:
        self._pending.discard((kind, namespace))
        if not self._pending:
            self._synced.set()


def _scope(namespace: str | None) -> str:
    """lightkube's namespace argument: None would mean the client's default namespace (the
    pod's own, or the kubeconfig context's), not every namespace."""
    return namespace if namespace is not None else kube.ALL_NAMESPACES


def _as_dict(obj: Any) -> dict[str, Any]:
    """The body of a listed object (lightkube's typed models and generic ones)."""
    body: dict[str, Any] = obj.to_dict()
    return body


def _backoff(failures: int) -> float:
    return ERROR_BACKOFF_SECONDS[min(failures, len(ERROR_BACKOFF_SECONDS)) - 1]
