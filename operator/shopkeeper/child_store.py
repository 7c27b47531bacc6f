"""Every managed child's state by platform, kept from list and watch events (pure).

A change wakes the child's platform only if it changes what the operator reads of the child
(its `ChildState`): a controller's status update that leaves the summary equal wakes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from shopkeeper import constants as c
from shopkeeper.kinds import ChildKind
from shopkeeper.observation import ChildKey
from shopkeeper.readiness import ChildState, summarize

StreamKey = tuple[str, str | None]
"""(kind, namespace) of one list-and-watch; namespace None: the whole cluster."""
ObjectKey = tuple[str, str]
"""(namespace, name) of a child within its stream."""
Entry = tuple[str, ChildState]
"""A child's platform and state."""
OnChange = Callable[[str, str], None]
"""Called with (namespace, platform) when one of the platform's children changed."""


class ChildStore:
    """The children's states by (namespace, platform), fed per stream."""

    def __init__(self, on_change: OnChange) -> None:
        self._on_change = on_change
        self._streams: dict[StreamKey, dict[ObjectKey, Entry]] = {}
        self._children: dict[tuple[str, str], dict[ChildKey, ChildState]] = {}

    def children(self, namespace: str, platform: str) -> dict[ChildKey, ChildState]:
        """Every child of a platform that the store holds, by (kind, name)."""
        return dict(self._children.get((namespace, platform), {}))

    def replace(
        self, kind: ChildKind, namespace: str | None, bodies: Iterable[Mapping[str, Any]]
    ) -> None:
        """A stream's full list: children it no longer has are gone."""
        found = dict(entry for entry in (_entry(kind, body) for body in bodies) if entry)
        objects = self._streams.setdefault((kind.kind, namespace), {})
        for key in [key for key in objects if key not in found]:
            self._forget(objects, key)
        for key, value in found.items():
            self._remember(objects, key, value)

    def update(
        self, kind: ChildKind, namespace: str | None, event_type: str, body: Mapping[str, Any]
    ) -> None:
        """One watch event (ADDED, MODIFIED or DELETED) of a stream."""
        entry = _entry(kind, body)
        if entry is None:
            return
        objects = self._streams.setdefault((kind.kind, namespace), {})
        if event_type == "DELETED":
            self._forget(objects, entry[0])
        else:
            self._remember(objects, *entry)

    def _remember(self, objects: dict[ObjectKey, Entry], key: ObjectKey, value: Entry) -> None:
        before = objects.get(key)
        if before == value:
            return
        if before is not None and before[0] != value[0]:
            self._forget(objects, key)  # relabelled to another platform
        objects[key] = value
        platform, state = value
        self._children.setdefault((key[0], platform), {})[(state.kind, state.name)] = state
        self._on_change(key[0], platform)

    def _forget(self, objects: dict[ObjectKey, Entry], key: ObjectKey) -> None:
        before = objects.pop(key, None)
        if before is None:
            return
        platform, state = before
        children = self._children.get((key[0], platform), {})
        children.pop((state.kind, state.name), None)
        if not children:
            self._children.pop((key[0], platform), None)
        self._on_change(key[0], platform)


def _entry(kind: ChildKind, body: Mapping[str, Any]) -> tuple[ObjectKey, Entry] | None:
    """A child's key in its stream, its platform and state (None without a platform label)."""
    meta = body.get("metadata") or {}
    platform = (meta.get("labels") or {}).get(c.PLATFORM_LABEL)
    if not platform:
        return None
    key = (str(meta.get("namespace") or ""), str(meta.get("name") or ""))
    return key, (str(platform), summarize(kind, body))
