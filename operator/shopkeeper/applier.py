"""Apply the desired children and prune the unwanted ones, writing only what changed."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx2
from lightkube import AsyncClient

from shopkeeper import kube, naming
from shopkeeper.builders.inputs import Manifest, manifest_name
from shopkeeper.kinds import CHILD_KINDS, ChildKind, kind_of
from shopkeeper.observation import ChildKey, Problem
from shopkeeper.readiness import ChildState

_BY_KIND = {k.kind: k for k in CHILD_KINDS}
_REJECTED = (400, 403, 409, 422)
APPLY_CONCURRENCY = 8
"""Applies in flight per platform."""


@dataclass(frozen=True)
class _Applied:
    content: str
    uid: str
    version: str


@dataclass
class ApplyOutcome:
    """What one pass changed."""

    writes: list[str] = field(default_factory=list)
    """Kinds of children an apply changed (created, updated or restored)."""
    drift_repairs: list[str] = field(default_factory=list)
    """Kinds of children restored after someone else changed or deleted them."""
    problems: list[Problem] = field(default_factory=list)
    missing_dependency: bool = False


class ChildApplier:
    """Server-side applies children of one platform; remembers what it applied.

    A child is re-applied only when its manifest changed, or the watch shows another object
    (uid) or another spec version (generation) than the last apply returned: someone else
    changed or deleted it. Status updates by controllers do not count. `forget()` makes the
    next pass re-apply everything (the periodic resync, which also repairs metadata drift).
    """

    def __init__(self, client: AsyncClient, namespace: str) -> None:
        self._client = client
        self._namespace = namespace
        self._applied: dict[ChildKey, _Applied] = {}

    async def apply_all(
        self, desired: list[Manifest], live: Mapping[ChildKey, ChildState]
    ) -> ApplyOutcome:
        """Apply, a few at a time, every manifest that may differ from the cluster."""
        outcome = ApplyOutcome()
        slots = asyncio.Semaphore(APPLY_CONCURRENCY)

        async def apply_one(manifest: Manifest) -> None:
            async with slots:
                await self._apply(manifest, live, outcome)

        try:
            async with asyncio.TaskGroup() as group:
                for manifest in desired:
                    group.create_task(apply_one(manifest))
        except ExceptionGroup as failed:  # the loop retries on the first API error
            raise failed.exceptions[0] from failed
        missing = {p.message for p in outcome.problems if p.reason == "DependencyMissing"}
        others = [p for p in outcome.problems if p.reason != "DependencyMissing"]
        outcome.problems = [Problem("DependencyMissing", m) for m in sorted(missing)] + others
        return outcome

    async def _apply(
        self, manifest: Manifest, live: Mapping[ChildKey, ChildState], outcome: ApplyOutcome
    ) -> None:
        kind = kind_of(manifest)
        key = (kind.kind, manifest_name(manifest))
        content = naming.content_hash(manifest, length=16)
        state, record = live.get(key), self._applied.get(key)
        if _unchanged(record, state, content):
            return
        try:
            uid, version = await kube.apply(self._client, manifest, self._namespace)
        except kube.MissingKindError as err:
            outcome.missing_dependency = True
            outcome.problems.append(Problem("DependencyMissing", str(err)))
            return
        except httpx2.HTTPStatusError as err:
            if err.response.status_code not in _REJECTED:
                raise
            outcome.problems.append(
                Problem("ApplyFailed", f"{kind.kind} {key[1]}: {kube.error_message(err)}")
            )
            return
        before = record or state
        if before is None or (before.uid, before.version) != (uid, version):
            outcome.writes.append(kind.kind)
            if record is not None and record.content == content:
                outcome.drift_repairs.append(kind.kind)
        self._applied[key] = _Applied(content, uid, version)

    def forget(self) -> None:
        """Re-apply every child on the next pass."""
        self._applied.clear()

    async def prune(
        self, desired: list[Manifest], live: Mapping[ChildKey, ChildState], *, keep_data: bool
    ) -> int:
        """Delete children no longer wanted (data-holding kinds are kept if `keep_data`)."""
        wanted = {(kind_of(m).kind, manifest_name(m)) for m in desired}
        deleted = 0
        for key in live:
            kind: ChildKind = _BY_KIND[key[0]]
            if key in wanted or (kind.retained and keep_data):
                continue
            await kube.delete(self._client, kind, key[1], self._namespace)
            self._applied.pop(key, None)
            deleted += 1
        return deleted


def _unchanged(record: _Applied | None, state: ChildState | None, content: str) -> bool:
    return (
        record is not None
        and state is not None
        and record.content == content
        and (record.uid, record.version) == (state.uid, state.version)
    )
