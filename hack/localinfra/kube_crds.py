"""Finding CustomResourceDefinition manifests: project files and the provisioned upstream sets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from localinfra.errors import InfraError, MissingDependencyError
from localinfra.upstream_crds import crd_sets

# What `install_upstream_crds()` installs when no set is named: the CRDs of the operators a
# platform composes. Gateway API is installed by name (tests check a cluster without it).
OPERATOR_SETS = ("strimzi", "cloudnative-pg", "prometheus-operator", "keda")


def upstream_crd_dirs(*names: str) -> list[Path]:
    """Folders of the pinned sets named (`strimzi` or `strimzi-1.2.0`; none: OPERATOR_SETS)."""
    pinned = {crd_set.name: crd_set for crd_set in crd_sets()}
    chosen = []
    for name in names or OPERATOR_SETS:
        matches = [s for s in pinned.values() if name in (s.name, s.directory.name)]
        if not matches:
            known = [s.directory.name for s in pinned.values()]
            raise InfraError(f"no upstream CRD set {name!r}; pinned: {known}")
        (crd_set,) = matches
        if not crd_set.is_provisioned():
            raise MissingDependencyError(f"the {crd_set.name} {crd_set.version} CRDs")
        chosen.append(crd_set.directory)
    return chosen


def crd_documents(path: Path) -> list[dict[str, Any]]:
    """The CustomResourceDefinitions in a YAML file or a folder of them."""
    files = sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")]) if path.is_dir() else [path]
    if not files:
        raise InfraError(f"no YAML files in {path}")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser: CRDs are large
    docs = [doc for file in files for doc in yaml.load_all(file.read_text(), Loader=loader)]
    return [doc for doc in docs if doc and doc.get("kind") == "CustomResourceDefinition"]
