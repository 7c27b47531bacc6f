"""NetworkPolicy enforcement on the local node: kube-router's network policy controller.

The node's CNI (bridge + host-local) implements no NetworkPolicy, so without an enforcer the
policies are only objects. kube-router, built from the Go module proxy, is run with only its
firewall (`--run-firewall`; no BGP routing, no service proxy): it turns every NetworkPolicy into
iptables chains (`KUBE-ROUTER-*`, `KUBE-NWPLCY-*`, `KUBE-POD-FW-*`) and ipsets (`KUBE-*`),
which the node's teardown and sweep remove with the rest of its host changes.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from localinfra.debian import ensure_packages
from localinfra.errors import MissingDependencyError
from localinfra.gobuild import GoProgram, WrapperModule, build, check_pin, is_built
from localinfra.paths import cache_dir
from localinfra.versions import pins

KUBE_ROUTER = WrapperModule(
    "kube-router",
    "github.com/cloudnativelabs/kube-router/v2",
    (GoProgram("github.com/cloudnativelabs/kube-router/v2/cmd/kube-router", "kube-router"),),
)
# Debian package -> the hack/versions.env key pinning its version (kube-router runs `ipset`).
DEBIAN_PACKAGES = {"ipset": "IPSET_DEB_VERSION"}


def kube_router_version() -> str:
    return pins()["KUBE_ROUTER_VERSION"]


def bin_dir() -> Path:
    return cache_dir() / f"kube-router-{kube_router_version()}" / "bin"


def ldflags() -> str:
    """kube-router's own version stamp (its Makefile's)."""
    package = "github.com/cloudnativelabs/kube-router/v2/pkg/version"
    return f"-s -w -X {package}.Version=v{kube_router_version()}"


def pinned_wrappers() -> list[tuple[WrapperModule, str]]:
    """The wrapper module of kube-router with the version hack/versions.env pins."""
    return [(KUBE_ROUTER, kube_router_version())]


def kube_router_binary() -> Path:
    """Path of the pinned kube-router; raises MissingDependencyError if not provisioned."""
    if not is_built(KUBE_ROUTER, bin_dir(), ldflags()) or shutil.which("ipset") is None:
        raise MissingDependencyError(f"kube-router {kube_router_version()} and ipset")
    return bin_dir() / "kube-router"


def provision(force: bool = False) -> None:
    """Install ipset, build the pinned kube-router into the cache unless already there."""
    started = time.monotonic()
    ensure_packages({pkg: pins()[key] for pkg, key in DEBIAN_PACKAGES.items()}, label="netpol")
    check_pin(KUBE_ROUTER, kube_router_version())
    built = build(KUBE_ROUTER, bin_dir(), ldflags=ldflags(), label="netpol", force=force)
    print(
        f"netpol: kube-router {kube_router_version()} {'built' if built else 'cached'} at "
        f"{bin_dir()}, {time.monotonic() - started:.1f}s",
        flush=True,
    )


def firewall_arguments(
    kubeconfig: Path, node_name: str, service_cidr: str, health_port: int
) -> list[str]:
    """kube-router as a NetworkPolicy enforcer only, for one node."""
    return [
        f"--kubeconfig={kubeconfig}",
        f"--hostname-override={node_name}",
        "--run-firewall=true",
        "--run-router=false",
        "--run-service-proxy=false",
        "--enable-cni=false",
        "--enable-ipv6=false",
        f"--service-cluster-ip-range={service_cidr}",
        f"--health-port={health_port}",
        "--metrics-port=0",
        "--iptables-sync-period=30s",
        "--v=1",
    ]


def enforcement_report(log: Path, pod_ip: str, log_lines: int = 40) -> str:
    """What kube-router has in place for one pod, for a test that finds a policy unenforced:
    the host's top-level filter jumps, every rule naming the pod's address, and the log's tail."""
    saved = subprocess.run(["iptables-save", "-t", "filter"], capture_output=True, text=True)
    rules = [
        line
        for line in saved.stdout.splitlines()
        if line.startswith(("-A INPUT", "-A FORWARD", "-A OUTPUT", "-A KUBE-ROUTER-"))
        or pod_ip in line
    ]
    try:
        tail = log.read_text(errors="replace").splitlines()[-log_lines:]
    except FileNotFoundError:
        tail = [f"(no log at {log})"]
    return "\n".join(
        [f"iptables (filter) for {pod_ip}:", *rules, f"{log.name}, last lines:", *tail]
    )
