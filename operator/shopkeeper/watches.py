"""Child watches: an index of every child's state per platform, and wake-ups on changes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import kopf

from shopkeeper import constants as c
from shopkeeper.kinds import CHILD_KINDS, ChildKind
from shopkeeper.observation import ChildKey
from shopkeeper.readiness import ChildState, summarize

IndexKey = tuple[str, str]
"""(namespace, platform)."""
CHILD_LABELS: dict[str, Any] = {
    c.MANAGED_BY_LABEL: c.MANAGED_BY_VALUE,
    c.PLATFORM_LABEL: kopf.PRESENT,
}


def child_indexer(kind: ChildKind) -> Callable[..., dict[IndexKey, ChildState]]:
    """An index function for children of `kind`: (namespace, platform) -> their states."""

    def index_child(
        body: kopf.Body, namespace: str | None, labels: Mapping[str, str], **_: Any
    ) -> dict[IndexKey, ChildState]:
        return {(namespace or "", labels[c.PLATFORM_LABEL]): summarize(kind, body)}

    index_child.__name__ = kind.index_id
    return index_child


def live_children(
    indices: Mapping[str, Any], namespace: str, platform: str
) -> dict[ChildKey, ChildState]:
    """Every child of a platform that the watches currently see, by (kind, name)."""
    live: dict[ChildKey, ChildState] = {}
    for kind in CHILD_KINDS:
        index: kopf.Index[IndexKey, ChildState] | None = indices.get(kind.index_id)
        if index is None:
            continue
        for state in index.get((namespace, platform), ()):
            live[(state.kind, state.name)] = state
    return live


def child_indices(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The child indices among a handler's keyword arguments."""
    ids = {kind.index_id for kind in CHILD_KINDS}
    return {key: value for key, value in kwargs.items() if key in ids}
