"""Helpers of the operator's unit tests: specs and build inputs without a cluster."""

from pathlib import Path
from typing import Any

import yaml

from shopkeeper.api import PlatformSpec
from shopkeeper.builders.inputs import BuildInput, Manifest, Owner, manifest_name

REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "k8s" / "samples" / "platform.yaml"
OWNER = Owner("shop", "shop-ns", "0b5c3a4e-0000-4000-8000-000000000001")
MINIMAL: dict[str, Any] = {"image": {"tag": "1.0.0"}, "kafka": {"strimziCluster": "kafka"}}


def spec_from(**overrides: Any) -> PlatformSpec:
    """The minimal spec with top-level keys replaced."""
    return PlatformSpec.model_validate({**MINIMAL, **overrides})


def sample_spec() -> PlatformSpec:
    """The spec of k8s/samples/platform.yaml."""
    return PlatformSpec.model_validate(yaml.safe_load(SAMPLE.read_text())["spec"])


def build_input(spec: PlatformSpec, *, held: bool = False, image: str | None = None) -> BuildInput:
    """Inputs with the spec's image already migrated (unless told otherwise)."""
    return BuildInput(OWNER, spec, image or spec.image.reference, held=held)


def by_kind(manifests: list[Manifest], kind: str) -> dict[str, Manifest]:
    """Manifests of one kind by name."""
    return {manifest_name(m): m for m in manifests if m["kind"] == kind}
