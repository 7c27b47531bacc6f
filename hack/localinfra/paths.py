"""Where the cache and the repository live."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def cache_dir() -> Path:
    """The provisioning cache: `$SHOPKEEPER_CACHE` or `~/.cache/shopkeeper`."""
    configured = os.environ.get("SHOPKEEPER_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "shopkeeper"
