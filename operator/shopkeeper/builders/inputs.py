"""What every builder receives: the owning platform, its spec and the rollout decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shopkeeper.api import PlatformSpec

Manifest = dict[str, Any]


@dataclass(frozen=True)
class Owner:
    """The platform object that owns the children."""

    name: str
    namespace: str
    uid: str


@dataclass(frozen=True)
class BuildInput:
    """Inputs of a build."""

    owner: Owner
    spec: PlatformSpec
    running_image: str
    """Image the Deployments run: the last migrated one (the target while none is)."""
    held: bool = False
    """No migration has completed yet: the Deployments exist with zero replicas."""

    @property
    def running_version(self) -> str:
        """Tag of the running image, usable as a label value."""
        tag = image_tag(self.running_image) or "unknown"
        return tag[:63].rstrip("-_.") or "unknown"

    @property
    def name(self) -> str:
        """Platform name."""
        return self.owner.name

    @property
    def namespace(self) -> str:
        """Platform namespace."""
        return self.owner.namespace


def manifest_name(manifest: Manifest) -> str:
    """`metadata.name` of a built manifest."""
    meta = manifest["metadata"]
    if not isinstance(meta, dict):
        raise TypeError(f"manifest without metadata: {manifest!r}")
    return str(meta["name"])


def image_tag(image: str) -> str | None:
    """The tag of `repository:tag` (None without one)."""
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None
