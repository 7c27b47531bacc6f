"""The host changes a local node makes, recorded before they are made and undone after.

A node changes global state: a bridge, iptables rules, sysctls (kubelet's kernel tunables, IP
forwarding), cgroups, mounts and a few global directories (/run/netns, /var/log/containers ...).
`HostState.prepare()` writes a record of the original values to disk *before* changing
anything, so `sweep()` can undo a run that was killed (SIGKILL leaves no chance to clean up):
it kills what is left of the node's processes, unmounts, deletes the bridge, removes iptables
rules, restores every sysctl and removes the directories that did not exist before.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

from localinfra.errors import InfraError
from localinfra.process import all_pids, cmdline, run_checked

BRIDGE = "shopkeeper0"
BRIDGE_IP = "10.88.0.1"
POD_CIDR = "10.88.0.0/24"
NODE_NAME = "shopkeeper-node"
CGROUP_ROOT = "shopkeeper-node"  # kubelet's cgroupRoot, in every cgroup v1 hierarchy
MAX_PODS = 60
# The CPU weight of the node's cgroup root: that of as many busy host processes as the node may
# run pods. With the default (1024, one process's), every pod together competes as ONE task
# with each of the host's: on a host loaded to 40, the node's pods got a fortieth of the CPU and
# a rolling upgrade never settled.
NODE_CPU_SHARES = 1024 * MAX_PODS
RULE_COMMENT = "shopkeeper-node"

# What kubelet (kernel tunables), kube-proxy and the CNI bridge plugin may write.
SYSCTLS = (
    "net.ipv4.ip_forward",
    "net.ipv6.conf.all.forwarding",
    "net.bridge.bridge-nf-call-iptables",
    "net.bridge.bridge-nf-call-ip6tables",
    "net.ipv4.conf.all.route_localnet",
    "vm.overcommit_memory",
    "vm.panic_on_oom",
    "kernel.panic",
    "kernel.panic_on_oops",
    "kernel.keys.root_maxkeys",
    "kernel.keys.root_maxbytes",
    "net.netfilter.nf_conntrack_max",
    "net.netfilter.nf_conntrack_tcp_timeout_established",
    "net.netfilter.nf_conntrack_tcp_timeout_close_wait",
)
# Global directories containerd, the CNI plugins and kubelet create whatever they are told.
GLOBAL_PATHS = (
    "/run/containerd",
    "/run/netns",
    "/var/lib/cni",
    "/etc/cni",
    "/var/log/containers",
    "/var/log/pods",
    "/var/lib/kubelet",
    "/var/lib/containers",
    "/run/containers",
)
_CHAIN_PREFIXES = ("KUBE-", "CNI-")


def _sysctl_path(name: str) -> Path:
    return Path("/proc/sys") / name.replace(".", "/")


def read_sysctls() -> dict[str, str]:
    """The current value of every sysctl of SYSCTLS the kernel has."""
    values = {}
    for name in SYSCTLS:
        with contextlib.suppress(OSError):
            values[name] = _sysctl_path(name).read_text().strip()
    return values


def write_sysctl(name: str, value: str) -> None:
    _sysctl_path(name).write_text(f"{value}\n")


@dataclass
class HostRecord:
    """The host as it was before the node started: what teardown restores."""

    sysctls: dict[str, str]
    absent_paths: list[str]
    netns: list[str]
    nft_tables: list[str]
    owner_pid: int
    run_dir: str
    cgroup_mounts: list[str] = field(default_factory=list)


def cgroup_v1_mounts() -> list[str]:
    """The mount points of the cgroup v1 hierarchies (kubelet's cgroupfs driver uses them)."""
    mounts = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        left, _, right = line.partition(" - ")
        if right.split()[0] == "cgroup":
            mounts.append(left.split()[4])
    return mounts


def nft_tables() -> list[str]:
    """`family name` of every nftables table (iptables-nft keeps its tables there)."""
    if shutil.which("nft") is None:
        return []
    listing = run_checked(["nft", "list", "tables"], what="nft list tables")
    return [line.removeprefix("table ").strip() for line in listing.splitlines() if line.strip()]


def _netns() -> list[str]:
    directory = Path("/run/netns")
    return sorted(entry.name for entry in directory.iterdir()) if directory.is_dir() else []


@contextlib.contextmanager
def machine_lock(state_dir: Path, *, timeout: float) -> Iterator[IO[str]]:
    """The one-node-per-machine lock (a reaper that is sweeping holds it too)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    handle = (state_dir / "lock").open("w")
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as err:
                if time.monotonic() > deadline:
                    message = f"another local node runs on this machine ({state_dir})"
                    raise InfraError(message) from err
                time.sleep(0.2)
        yield handle
    finally:
        handle.close()


class HostState:
    """The record file of one node's host changes, and the code that makes and undoes them."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.record_file = state_dir / "host-record.json"

    def record(self) -> HostRecord | None:
        try:
            data = json.loads(self.record_file.read_text())
        except (FileNotFoundError, ValueError):
            return None
        return HostRecord(**data)

    def prepare(self, run_dir: Path) -> HostRecord:
        """Undo a previous run's leftovers, record the host, then set up bridge and rules."""
        self.sweep()
        record = HostRecord(
            sysctls=read_sysctls(),
            absent_paths=[path for path in GLOBAL_PATHS if not os.path.lexists(path)],
            netns=_netns(),
            nft_tables=nft_tables(),
            owner_pid=os.getpid(),
            run_dir=str(run_dir),
            cgroup_mounts=cgroup_v1_mounts(),
        )
        self.state_dir.mkdir(parents=True, exist_ok=True)
        partial = self.record_file.with_suffix(".tmp")
        partial.write_text(json.dumps(asdict(record), indent=1))
        partial.replace(self.record_file)
        try:
            _create_bridge()
            _isolate_pods()
            write_sysctl("net.ipv4.ip_forward", "1")  # routed pod <-> Service traffic
            write_sysctl("net.bridge.bridge-nf-call-iptables", "1")  # kube-proxy on the bridge
            _create_cgroup_root(record.cgroup_mounts)
        except BaseException:
            self.sweep()
            raise
        return record

    def sweep(self) -> bool:
        """Undo everything a recorded run left; True if there was a record."""
        record = self.record()
        if record is None:
            return False
        kill_node_processes(Path(record.run_dir), record.cgroup_mounts)
        unmount_under(Path(record.run_dir))
        for name in set(_netns()) - set(record.netns):
            unmount_under(Path("/run/netns") / name)
            Path("/run/netns", name).unlink(missing_ok=True)
        _remove_cgroup_root(record.cgroup_mounts)
        _delete_bridge()
        _forget_connections()
        remove_rules()
        remove_ipsets()
        for table in set(nft_tables()) - set(record.nft_tables):
            run_checked(["nft", "delete", "table", *table.split()], what="nft delete table")
        for name, value in record.sysctls.items():
            with contextlib.suppress(OSError):
                write_sysctl(name, value)
        for path in record.absent_paths:
            unmount_under(Path(path))
            shutil.rmtree(path, ignore_errors=True)
        shutil.rmtree(record.run_dir, ignore_errors=True)
        self.record_file.unlink(missing_ok=True)
        return True


def _ip(*argv: str) -> None:
    run_checked(["ip", *argv], what=f"ip {' '.join(argv)}")


def _create_bridge() -> None:
    _ip("link", "add", BRIDGE, "type", "bridge")
    _ip("addr", "add", f"{BRIDGE_IP}/{POD_CIDR.split('/')[1]}", "dev", BRIDGE)
    _ip("link", "set", BRIDGE, "up")


def _delete_bridge() -> None:
    if Path("/sys/class/net", BRIDGE).exists():
        _ip("link", "delete", BRIDGE)


def _forget_connections() -> None:
    """Drop the conntrack entries of pod traffic (they would linger for minutes)."""
    if shutil.which("conntrack") is None:
        return
    for direction in ("--orig-src", "--orig-dst"):
        subprocess.run(
            ["conntrack", "-D", direction, POD_CIDR],
            capture_output=True,
            check=False,  # exit 1 when there was nothing to delete
        )


def _isolate_pods() -> None:
    """Nothing from a pod is forwarded off this machine (DNS to the host's resolver included).

    In mangle's FORWARD, which runs before filter's (where kube-proxy inserts its ACCEPTs).
    """
    run_checked(
        [
            "iptables",
            "-w",
            "-t",
            "mangle",
            "-I",
            "FORWARD",
            "-s",
            POD_CIDR,
            "!",
            "-d",
            POD_CIDR,
            "-m",
            "comment",
            "--comment",
            RULE_COMMENT,
            "-j",
            "DROP",
        ],
        what="iptables: drop forwarding out of the pod range",
    )


def remove_rules() -> None:
    """Delete our rule and every KUBE-*/CNI-* chain (and the rules jumping to them)."""
    for command in ("iptables", "ip6tables"):
        if shutil.which(f"{command}-save") is None:
            continue
        dump = run_checked([f"{command}-save"], what=f"{command}-save")
        table = ""
        deletions: list[list[str]] = []
        chains: list[tuple[str, str]] = []
        for line in dump.splitlines():
            if line.startswith("*"):
                table = line[1:]
            elif line.startswith(":") and line[1:].startswith(_CHAIN_PREFIXES):
                chains.append((table, line[1:].split()[0]))
            elif line.startswith("-A ") and _ours(line):
                deletions.append([command, "-w", "-t", table, "-D", *_split_rule(line[3:])])
        for argv in deletions:
            with contextlib.suppress(InfraError):
                run_checked(argv, what=f"{command} -D")
        for table, chain in chains:
            run_checked([command, "-w", "-t", table, "-F", chain], what=f"{command} -F")
        for table, chain in chains:
            run_checked([command, "-w", "-t", table, "-X", chain], what=f"{command} -X")


def kube_ipsets() -> list[str]:
    """ipsets a NetworkPolicy enforcer (kube-router) made: `KUBE-*` (and `inet6:KUBE-*`)."""
    if shutil.which("ipset") is None:
        return []
    names = run_checked(["ipset", "list", "-n"], what="ipset list").split()
    return sorted(n for n in names if n.removeprefix("inet6:").startswith(_CHAIN_PREFIXES))


def remove_ipsets() -> None:
    """Destroy the enforcer's ipsets (after the rules that reference them are gone)."""
    for name in kube_ipsets():
        run_checked(["ipset", "destroy", name], what=f"ipset destroy {name}")


def _ours(rule: str) -> bool:
    words = rule.split()
    chain, targets = words[1], [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-j", "-g")]
    built_in = not chain.startswith(_CHAIN_PREFIXES)
    return built_in and (
        f'"{RULE_COMMENT}"' in rule
        or f" {RULE_COMMENT} " in f"{rule} "
        or any(target.startswith(_CHAIN_PREFIXES) for target in targets)
    )


def _split_rule(rule: str) -> list[str]:
    return shlex.split(rule)


def _create_cgroup_root(mounts: list[str]) -> None:
    for mount in mounts:
        directory = Path(mount) / CGROUP_ROOT
        directory.mkdir(exist_ok=True)
        for name in ("cpuset.cpus", "cpuset.mems"):  # v1 cpuset children start empty
            if (directory / name).exists():
                (directory / name).write_text((Path(mount) / name).read_text())
        if (directory / "cpu.shares").exists():
            (directory / "cpu.shares").write_text(str(NODE_CPU_SHARES))


def _cgroup_dirs(mounts: list[str]) -> list[Path]:
    """Every directory of the node's cgroup trees, deepest first."""
    found: list[Path] = []
    for mount in mounts:
        root = Path(mount) / CGROUP_ROOT
        if root.is_dir():
            found += [Path(d) for d, _, _ in os.walk(root)]
    return sorted(found, key=lambda p: len(p.parts), reverse=True)


def kill_node_processes(run_dir: Path, mounts: list[str]) -> None:
    """SIGKILL every process in the node's cgroups and every one that names its run dir."""
    marker = str(run_dir)
    for _ in range(50):
        pids = {
            int(pid)
            for directory in _cgroup_dirs(mounts)
            for pid in _read(directory / "cgroup.procs").split()
        }
        pids |= {pid for pid in all_pids() if marker in cmdline(pid)}
        pids.discard(os.getpid())
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)
    raise InfraError(f"processes of the node survive SIGKILL: {sorted(pids)}")


def _remove_cgroup_root(mounts: list[str]) -> None:
    for directory in _cgroup_dirs(mounts):
        for _ in range(50):
            try:
                directory.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:  # busy until its last (killed) process is reaped
                time.sleep(0.1)


def unmount_under(path: Path) -> None:
    """Unmount every mount at or below `path`, deepest first."""
    prefix = str(path).rstrip("/")
    for _ in range(5):
        points = [
            point for point in _mount_points() if point == prefix or point.startswith(prefix + "/")
        ]
        if not points:
            return
        for point in sorted(points, key=len, reverse=True):
            with contextlib.suppress(InfraError):
                run_checked(["umount", "--lazy", point], what=f"umount {point}")
    raise InfraError(f"mounts under {path} survive umount: {points}")


def _mount_points() -> list[str]:
    points = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        point = line.split()[4]
        points.append(point.encode().decode("unicode_escape"))
    return points


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


NODE_PROGRAMS = frozenset(
    {"containerd", "containerd-shim-runc-v2", "runc", "kubelet", "kube-proxy", "pause"}
)


def host_snapshot(state_dir: Path) -> dict[str, object]:
    """What a node may change on the host, for before/after comparisons: links, mounts,
    iptables rules, nftables tables, the node's sysctls, its processes and global paths."""
    rules = {}
    for command in ("iptables-save", "ip6tables-save"):
        if shutil.which(command):
            dump = run_checked([command], what=command)
            rules[command] = [line for line in dump.splitlines() if line.startswith("-A")]
    links = run_checked(["ip", "-o", "link", "show"], what="ip link")
    return {
        "links": sorted(line.split(":")[1].strip().split("@")[0] for line in links.splitlines()),
        "mounts": sorted(_mount_points()),
        "rules": rules,
        "nft_tables": sorted(nft_tables()),
        "ipsets": kube_ipsets(),
        "sysctls": read_sysctls(),
        "node_processes": sorted(
            cmdline(pid) for pid in all_pids() if _is_node_process(pid, str(state_dir))
        ),
        "paths": sorted(path for path in GLOBAL_PATHS if os.path.lexists(path)),
        "cgroups": sorted(
            str(Path(mount) / CGROUP_ROOT)
            for mount in cgroup_v1_mounts()
            if (Path(mount) / CGROUP_ROOT).exists()
        ),
    }


def _is_node_process(pid: int, state_dir: str) -> bool:
    try:
        program = Path(f"/proc/{pid}/exe").readlink().name
    except OSError:
        return False
    return program in NODE_PROGRAMS or state_dir in cmdline(pid)
