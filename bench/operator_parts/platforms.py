"""The benchmark's platforms: N copies of the sample, and the children each one must get."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from lightkube import Client

from shopkeeper.api import PlatformSpec
from shopkeeper.builders.inputs import BuildInput, Owner, manifest_name
from shopkeeper.builders.platform import build_all
from shopkeeper.kube import platform_class

SAMPLE = Path(__file__).resolve().parents[2] / "k8s" / "samples" / "platform.yaml"
ChildKey = tuple[str, str]


def create_platforms(kube: Client, namespace: str, count: int) -> dict[str, set[ChildKey]]:
    """Create `count` platforms; for each, the (kind, name) of the children it must get.

    Nothing runs the migrations Job here, so the expected set is the one of a platform
    whose first migration is still running (every child but the autoscalers).
    """
    sample: dict[str, Any] = yaml.safe_load(SAMPLE.read_text())
    spec = PlatformSpec.model_validate(sample["spec"])
    expected: dict[str, set[ChildKey]] = {}
    for index in range(count):
        name = f"shop-{index:04d}"
        body = {**sample, "metadata": {"name": name, "namespace": namespace}}
        created: Any = kube.create(platform_class().from_dict(body))
        owner = Owner(name, namespace, str(created.metadata.uid))
        manifests = build_all(BuildInput(owner, spec, spec.image.reference, held=True))
        expected[name] = {(str(m["kind"]), manifest_name(m)) for m in manifests}
    return expected
