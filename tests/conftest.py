"""Shared test configuration: tiers follow the folder a test lives in; kind tests need kind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from shop.common.telemetry import uninstrument_libraries

# The benchmarks (`bench`) live at the repository's root, outside the test path: it is appended
# last, so that no root directory's name (`operator`, say) shadows what is installed.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.append(_ROOT)

_TIER_BY_FOLDER = {
    "unit": "unit",
    "integration": "integration",
    "e2e": "e2e",
    "cluster": "cluster",
    "kind": "kind",
}
_TIER_ORDER = ("unit", "integration", "e2e", "cluster", "kind")


@cache
def kind_unavailable_reason() -> str | None:
    """Why a kind cluster cannot be used here, or None when one is reachable."""
    for tool in ("docker", "kind", "kubectl"):
        if shutil.which(tool) is None:
            return f"kind tests need `{tool}` on PATH"
    docker = subprocess.run(["docker", "info"], capture_output=True, check=False, timeout=20)
    if docker.returncode != 0:
        return "kind tests need a running Docker engine (`docker info` failed)"
    context = subprocess.run(
        ["kubectl", "config", "current-context"],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ,
    )
    if not context.stdout.strip().startswith("kind-"):
        return "kind tests need KUBECONFIG pointing at a kind cluster (context kind-*)"
    return None


@pytest.fixture(autouse=True)
def _library_instrumentation_does_not_leak() -> Iterator[None]:
    """Instrumentation patches aiokafka, httpx and SQLAlchemy process-wide; undo it per test."""
    yield
    uninstrument_libraries()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    root = Path(__file__).parent
    for item in items:
        folder = Path(str(item.path)).relative_to(root).parts[0]
        tier = _TIER_BY_FOLDER.get(folder)
        if tier and not any(item.iter_markers(tier)):
            item.add_marker(tier)
        if any(item.iter_markers("cluster")) and os.geteuid() != 0:
            needs_root = "the cluster tier runs a kubelet and containerd: it needs root"
            item.add_marker(pytest.mark.skip(reason=needs_root))
        if any(item.iter_markers("kind")):
            reason = kind_unavailable_reason()
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))
    # Fast tiers first, so a broken unit fails the run before the slow tiers start.
    items.sort(key=_tier_rank)


def _tier_rank(item: pytest.Item) -> tuple[int, bool]:
    # In the cluster tier, tests that start nodes of their own run before the session's node
    # (one node per machine).
    uses_session_node = "node_cluster" in getattr(item, "fixturenames", ())
    for rank, tier in enumerate(_TIER_ORDER):
        if any(item.iter_markers(tier)):
            return rank, uses_session_node
    return len(_TIER_ORDER), uses_session_node
