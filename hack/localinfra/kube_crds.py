"""Finding CustomResourceDefinition manifests: project files and the shared upstream sets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from localinfra.errors import InfraError
from localinfra.paths import shared_crds_dir


def upstream_crd_dirs(*names: str) -> list[Path]:
    """Folders of ../shared/crds matching `names` (a folder name or its prefix before `-`)."""
    root = shared_crds_dir()
    if not root.is_dir():
        raise InfraError(f"no upstream CRDs at {root} (set SHOPKEEPER_SHARED_CRDS)")
    available = sorted(p for p in root.iterdir() if p.is_dir())
    if not names:
        return available
    chosen = []
    for name in names:
        matches = [p for p in available if p.name == name or p.name.startswith(f"{name}-")]
        if not matches:
            raise InfraError(
                f"no upstream CRD set {name!r} in {root}; available: {[p.name for p in available]}"
            )
        chosen += matches
    return chosen


def crd_documents(path: Path) -> list[dict[str, Any]]:
    """The CustomResourceDefinitions in a YAML file or a folder of them."""
    files = sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")]) if path.is_dir() else [path]
    if not files:
        raise InfraError(f"no YAML files in {path}")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser: CRDs are large
    docs = [doc for file in files for doc in yaml.load_all(file.read_text(), Loader=loader)]
    return [doc for doc in docs if doc and doc.get("kind") == "CustomResourceDefinition"]
