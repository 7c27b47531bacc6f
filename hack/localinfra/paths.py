"""Where the cache, the repository and the shared upstream CRDs live."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def cache_dir() -> Path:
    """The provisioning cache: `$SHOPKEEPER_CACHE` or `~/.cache/shopkeeper`."""
    configured = os.environ.get("SHOPKEEPER_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "shopkeeper"


def shared_crds_dir() -> Path:
    """Upstream CRDs (Strimzi, CloudNativePG, Prometheus Operator, KEDA).

    `$SHOPKEEPER_SHARED_CRDS`, else `../shared/crds` beside the repository.
    """
    configured = os.environ.get("SHOPKEEPER_SHARED_CRDS")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "crds"
