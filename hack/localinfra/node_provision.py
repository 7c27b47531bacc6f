"""What the local node needs: kubelet, kube-scheduler and kube-proxy (Go module proxy, the same
wrapper module as the control plane), containerd, runc, the CNI plugins, iptables, buildah and
mmdebstrap (Debian packages), and the pause binary compiled from Kubernetes' own source.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from localinfra.debian import ensure_packages
from localinfra.errors import InfraError, MissingDependencyError
from localinfra.gobuild import GoProgram, WrapperModule, build, check_pin, go_tool, is_built
from localinfra.kube_provision import KUBERNETES, kubernetes_bin_dir, kubernetes_ldflags
from localinfra.paths import cache_dir
from localinfra.process import run_checked
from localinfra.versions import pins, versions

NODE_PROGRAMS = ("kubelet", "kube-scheduler", "kube-proxy")
KUBERNETES_NODE = WrapperModule(
    KUBERNETES.name,
    KUBERNETES.root,
    tuple(GoProgram(f"k8s.io/kubernetes/cmd/{name}", name) for name in NODE_PROGRAMS),
    staging_replaces=True,
)
# Debian package -> the hack/versions.env key pinning its version.
DEBIAN_PACKAGES = {
    "containerd": "CONTAINERD_DEB_VERSION",
    "runc": "RUNC_DEB_VERSION",
    "containernetworking-plugins": "CNI_PLUGINS_DEB_VERSION",
    "iptables": "IPTABLES_DEB_VERSION",
    "nftables": "NFTABLES_DEB_VERSION",
    "conntrack": "CONNTRACK_DEB_VERSION",
    "buildah": "BUILDAH_DEB_VERSION",
    "mmdebstrap": "MMDEBSTRAP_DEB_VERSION",
}
CNI_BIN_DIR = Path("/usr/lib/cni")
PAUSE_SOURCE = "build/pause/linux/pause.c"


def node_bin_dir() -> Path:
    return kubernetes_bin_dir().with_name(f"node-{kubernetes_bin_dir().name}")


def node_binary(name: str) -> Path:
    """Path of kubelet, kube-scheduler or kube-proxy; raises if not provisioned."""
    if not is_built(KUBERNETES_NODE, node_bin_dir(), kubernetes_ldflags()):
        raise MissingDependencyError(f"{name} {versions().kubernetes}", "make deps")
    return node_bin_dir() / name


def pause_binary() -> Path:
    """The static pause binary of the pinned Kubernetes release."""
    return cache_dir() / f"pause-{versions().kubernetes}" / "pause"


def debian_pins() -> dict[str, str]:
    return {package: pins()[key] for package, key in DEBIAN_PACKAGES.items()}


def _build_pause(force: bool) -> bool:
    target = pause_binary()
    if target.is_file() and not force:
        return False
    gcc = shutil.which("gcc")
    if gcc is None:
        raise InfraError("gcc (Debian's build-essential) is needed to compile the pause binary")
    info = json.loads(
        run_checked(
            [go_tool(), "mod", "download", "-json", f"k8s.io/kubernetes@v{versions().kubernetes}"],
            what="go mod download k8s.io/kubernetes",
            cwd=KUBERNETES.directory,
        )
    )
    source = Path(info["Dir"]) / PAUSE_SOURCE
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_suffix(".new")
    run_checked(
        [
            gcc,
            "-Os",
            "-Wall",
            "-Werror",
            "-static",
            "-DVERSION=v" + versions().kubernetes,
            "-o",
            str(staged),
            str(source),
        ],
        what="gcc pause.c",
    )
    run_checked(["strip", str(staged)], what="strip pause")
    staged.replace(target)
    return True


def provision(force: bool = False) -> None:
    """Install the node's Debian packages, build its Kubernetes programs and the pause binary."""
    started = time.monotonic()
    installed = ensure_packages(debian_pins(), label="node")
    check_pin(KUBERNETES_NODE, versions().kubernetes)
    built = build(
        KUBERNETES_NODE, node_bin_dir(), ldflags=kubernetes_ldflags(), label="node", force=force
    )
    built |= _build_pause(force)
    state = "built" if built or installed else "cached"
    print(
        f"node: kubelet, kube-scheduler, kube-proxy {versions().kubernetes} ({node_bin_dir()}), "
        f"pause, containerd, runc, CNI plugins {state}, {time.monotonic() - started:.1f}s",
        flush=True,
    )
