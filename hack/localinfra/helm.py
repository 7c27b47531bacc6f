"""Helm, built from the Go module proxy through the wrapper module hack/gobuild/helm."""

from __future__ import annotations

import time
from pathlib import Path

from localinfra.errors import MissingDependencyError
from localinfra.gobuild import GoProgram, WrapperModule, build, check_pin, is_built
from localinfra.paths import cache_dir
from localinfra.versions import versions

HELM = WrapperModule("helm", "helm.sh/helm/v3", (GoProgram("helm.sh/helm/v3/cmd/helm", "helm"),))


def pinned_wrappers() -> list[tuple[WrapperModule, str]]:
    """The wrapper module of helm with the version hack/versions.env pins."""
    return [(HELM, versions().helm)]


def helm_bin_dir() -> Path:
    return cache_dir() / f"helm-{versions().helm}" / "bin"


def helm_ldflags() -> str:
    """The flags of Helm's Makefile: its version, and the Kubernetes version of its client-go."""
    client_go = HELM.required_version("k8s.io/client-go").removeprefix("v").split(".")
    k8s_major, k8s_minor = str(int(client_go[0]) + 1), client_go[1]
    flags = [
        "-s",
        "-w",
        f"-X helm.sh/helm/v3/internal/version.version=v{versions().helm}",
        "-X helm.sh/helm/v3/internal/version.gitTreeState=clean",
    ]
    for package in ("helm.sh/helm/v3/pkg/lint/rules", "helm.sh/helm/v3/pkg/chartutil"):
        flags += [
            f"-X {package}.k8sVersionMajor={k8s_major}",
            f"-X {package}.k8sVersionMinor={k8s_minor}",
        ]
    return " ".join(flags)


def helm_binary() -> Path:
    """Path of the pinned helm; raises MissingDependencyError if not provisioned."""
    if not is_built(HELM, helm_bin_dir(), helm_ldflags()):
        raise MissingDependencyError(f"helm {versions().helm}")
    return helm_bin_dir() / "helm"


def provision(force: bool = False) -> None:
    """Build the pinned helm into the cache unless it is already there."""
    started = time.monotonic()
    check_pin(HELM, versions().helm)
    built = build(HELM, helm_bin_dir(), ldflags=helm_ldflags(), label="helm", force=force)
    print(
        f"helm: helm {versions().helm} {'built' if built else 'cached'} at {helm_bin_dir()}, "
        f"{time.monotonic() - started:.1f}s",
        flush=True,
    )
