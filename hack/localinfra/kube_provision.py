"""kube-apiserver, kube-controller-manager, kubectl and etcd, built from the Go module proxy."""

from __future__ import annotations

import time
from pathlib import Path

from localinfra.errors import MissingDependencyError
from localinfra.gobuild import GoProgram, WrapperModule, build, check_pin, is_built, lock_digest
from localinfra.paths import cache_dir
from localinfra.versions import versions

KUBERNETES = WrapperModule(
    "kubernetes",
    "k8s.io/kubernetes",
    tuple(
        GoProgram(f"k8s.io/kubernetes/cmd/{name}", name)
        for name in ("kube-apiserver", "kube-controller-manager", "kubectl")
    ),
    staging_replaces=True,
)
ETCD = WrapperModule(
    "etcd", "go.etcd.io/etcd/server/v3", (GoProgram("go.etcd.io/etcd/server/v3", "etcd"),)
)


def pinned_wrappers() -> list[tuple[WrapperModule, str]]:
    """The wrapper modules of this component with the versions hack/versions.env pins."""
    return [(KUBERNETES, versions().kubernetes), (ETCD, versions().etcd)]


def kubernetes_bin_dir() -> Path:
    """Named by the wrapper's lock: the control plane and the node programs share go.mod."""
    return cache_dir() / f"kubernetes-{versions().kubernetes}" / f"bin-{lock_digest(KUBERNETES)}"


def etcd_bin_dir() -> Path:
    return cache_dir() / f"etcd-{versions().etcd}" / "bin"


def kubernetes_ldflags() -> str:
    """Stamp the release into the binaries, so /version (and Helm's kubeVersion) see it."""
    version = versions().kubernetes
    major, minor = version.split(".")[:2]
    values = {
        "gitVersion": f"v{version}",
        "gitMajor": major,
        "gitMinor": minor,
        "gitTreeState": "clean",
        "gitCommit": "",
    }
    flags = ["-s", "-w"]
    for package in ("k8s.io/component-base/version", "k8s.io/client-go/pkg/version"):
        flags += [f"-X {package}.{key}={value}" for key, value in values.items()]
    return " ".join(flags)


ETCD_LDFLAGS = "-s -w"


def kube_binary(name: str) -> Path:
    """Path of kube-apiserver, kube-controller-manager or kubectl; raises if not provisioned."""
    path = kubernetes_bin_dir() / name
    if not is_built(KUBERNETES, kubernetes_bin_dir(), kubernetes_ldflags()):
        raise MissingDependencyError(f"{name} {versions().kubernetes}")
    return path


def etcd_binary() -> Path:
    """Path of etcd; raises MissingDependencyError if not provisioned."""
    if not is_built(ETCD, etcd_bin_dir(), ETCD_LDFLAGS):
        raise MissingDependencyError(f"etcd {versions().etcd}")
    return etcd_bin_dir() / "etcd"


def provision(force: bool = False) -> None:
    """Build the pinned control plane into the cache unless it is already there."""
    started = time.monotonic()
    check_pin(KUBERNETES, versions().kubernetes)
    check_pin(ETCD, versions().etcd)
    built = build(
        KUBERNETES, kubernetes_bin_dir(), ldflags=kubernetes_ldflags(), label="kube", force=force
    )
    built |= build(ETCD, etcd_bin_dir(), ldflags=ETCD_LDFLAGS, label="kube", force=force)
    state = "built" if built else "cached"
    print(
        f"kube: Kubernetes {versions().kubernetes} ({kubernetes_bin_dir()}) and etcd "
        f"{versions().etcd} ({etcd_bin_dir()}) {state}, {time.monotonic() - started:.1f}s",
        flush=True,
    )
