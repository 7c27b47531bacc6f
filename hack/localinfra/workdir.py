"""Per-run working directories for launched components."""

import tempfile
from pathlib import Path


def make_workdir(component: str, base: Path | None = None) -> Path:
    """A fresh directory for one component's data and logs."""
    return Path(tempfile.mkdtemp(prefix=f"shopkeeper-{component}-", dir=base))
