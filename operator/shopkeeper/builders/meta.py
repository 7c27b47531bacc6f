"""Labels, ownerReferences and metadata of children."""

from __future__ import annotations

from shopkeeper import constants as c
from shopkeeper.builders.inputs import BuildInput, Owner
from shopkeeper.kinds import ChildKind


def platform_labels(platform: str) -> dict[str, str]:
    """Labels that mark a child of `platform` (the child watches and pruning select on them)."""
    return {c.MANAGED_BY_LABEL: c.MANAGED_BY_VALUE, c.PLATFORM_LABEL: platform}


def platform_selector(platform: str) -> str:
    """Label selector of every child of `platform`."""
    return ",".join(f"{k}={v}" for k, v in platform_labels(platform).items())


def selector_labels(platform: str, component: str) -> dict[str, str]:
    """Immutable pod selector of one workload."""
    return {c.NAME_LABEL: "shop", c.INSTANCE_LABEL: platform, c.COMPONENT_LABEL: component}


def owner_reference(owner: Owner) -> dict[str, object]:
    """A controller reference: kube-controller-manager garbage-collects the child with the owner."""
    return {
        "apiVersion": c.API_VERSION,
        "kind": c.KIND,
        "name": owner.name,
        "uid": owner.uid,
        "controller": True,
        "blockOwnerDeletion": True,
    }


def metadata(
    inp: BuildInput,
    kind: ChildKind,
    name: str,
    *,
    component: str,
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
) -> dict[str, object]:
    """Metadata of a child: name, labels, and an ownerReference unless its data is retained."""
    meta: dict[str, object] = {
        "name": name,
        "namespace": inp.namespace,
        "labels": {
            **(labels or {}),
            c.NAME_LABEL: "shop",
            c.INSTANCE_LABEL: inp.name,
            c.COMPONENT_LABEL: component,
            c.PART_OF_LABEL: c.PART_OF_VALUE,
            **platform_labels(inp.name),
        },
    }
    if annotations:
        meta["annotations"] = annotations
    if not (kind.retained and inp.spec.deletion_policy == "Retain"):
        meta["ownerReferences"] = [owner_reference(inp.owner)]
    return meta
