"""The children's informer: one list-then-watch per child kind (and served namespace) feeding a
`ChildStore`, which wakes a platform's loop when one of its children changes.

Children do not go through kopf: kopf keeps a memory and a worker per watched object and calls
its handlers (in threads) per event, which at 100 platforms (some 6,700 children and their
controllers' status updates) cost the operator more CPU than its applies. Here an event costs a
decode and `summarize`.

A watch is resumed from the last version it delivered (each request ends after
`watch_seconds`, so a connection that died silently is replaced); the kind is listed again only
when the server no longer has that version (410, often inside the stream) or a request failed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any, cast

import httpx2
from lightkube import AsyncClient, operators

from shopkeeper import constants as c
from shopkeeper import kube
from shopkeeper.child_store import ChildStore, OnChange
from shopkeeper.kinds import CHILD_KINDS, ChildKind
from shopkeeper.kube import resource_class
from shopkeeper.observation import ChildKey
from shopkeeper.readiness import ChildState

logger = logging.getLogger(__name__)

WATCH_SECONDS = 270.0
"""How long one watch request lasts before it is resumed from its last version: shorter than
load balancers' idle timeouts, and the bound on how long a dead connection goes unnoticed."""
SERVER_GRACE_SECONDS = 30
"""The server ends a watch this long after the client would have (if the client vanished)."""
UNSERVED_RETRY_SECONDS = 10.0
"""How soon a kind the cluster does not serve (no CRD) or lets us not list is listed again."""
ERROR_BACKOFF_SECONDS = (0.5, 1.0, 2.0, 5.0, 10.0)
"""Waits before listing again after failed lists or a broken watch."""
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
        watch_seconds: float = WATCH_SECONDS,
    ) -> None:
        self._client = client
        self._store = ChildStore(on_change)
        self._watch_seconds = watch_seconds
        scopes: list[str | None] = list(namespaces) or [None]
        self._streams = [(kind, scope) for kind in CHILD_KINDS for scope in scopes]
        self._pending = set(self._streams)
        """Streams not listed yet."""
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

    async def follow(self, kind: ChildKind, namespace: str | None, version: str) -> None:
        """Feed the store from the stream's watch starting after `version`, resumed from the
        last version it delivered, until an error; `VersionGoneError` when the server no longer has
        the version to resume from."""
        while True:
            # lightkube types the watch as an AsyncIterable; it is an async generator, which
            # `aclosing` closes (with its response) when the request's time is up.
            events = cast(
                AsyncGenerator[tuple[str, Any], None],
                self._client.watch(
                    resource_class(kind),
                    namespace=_scope(namespace),
                    labels=_SELECTOR,
                    resource_version=version,
                    server_timeout=int(self._watch_seconds) + SERVER_GRACE_SECONDS,
                ),
            )
            try:
                async with aclosing(events) as stream, asyncio.timeout(self._watch_seconds):
                    async for event_type, obj in stream:
                        body = _as_dict(obj)
                        version = str(body["metadata"]["resourceVersion"])
                        self._store.update(kind, namespace, event_type, body)
            except TimeoutError:
                continue  # this request's time is up (or its connection died): resume
            except httpx2.HTTPStatusError as err:
                if kube.status_code(err) == GONE:
                    raise VersionGoneError(str(err)) from err
                raise

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
    """The body of a listed or watched object (lightkube's typed models and generic ones)."""
    body: dict[str, Any] = obj.to_dict()
    return body


def _backoff(failures: int) -> float:
    return ERROR_BACKOFF_SECONDS[min(failures, len(ERROR_BACKOFF_SECONDS)) - 1]
