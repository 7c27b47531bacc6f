"""`hack/local-cluster up|down|env|status`: the test control plane, run detached for people.

`up` starts a supervisor (`serve`) in its own session; it runs a ControlPlane in
`<cache>/local-cluster/run` until `down` sends it SIGTERM. Its components die with it (PDEATHSIG),
so no process survives the supervisor. Every `up` starts from an empty cluster.

`up --node` adds a real node (localinfra.node_cluster): kubelet, containerd, kube-proxy and a
kube-scheduler, the project image of this checkout imported as the chart's default image, and
PostgreSQL, Kafka and Dex on the node's bridge IP for platforms in external mode with the
bridge's token issuer (k8s/samples/platform-local-node.yaml). `down` also undoes every host
change the node made.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

from localinfra.deps import provision as provision_components
from localinfra.errors import InfraError, reported
from localinfra.helm import helm_bin_dir
from localinfra.kube import ControlPlane
from localinfra.kube_api import KubeHttp
from localinfra.kube_pki import KeyPair
from localinfra.kube_provision import kubernetes_bin_dir, provision
from localinfra.node import sweep_stale
from localinfra.node_identity import OIDC_CLIENT_ENV
from localinfra.node_services import NodeServices
from localinfra.paths import REPO_ROOT, cache_dir
from localinfra.process import ManagedProcess, ProcessRegistry, alive, all_pids, cmdline

SUPERVISOR_MODULE = "localinfra.kube_cluster"
# What `up --node` runs, and what a person then uses (helm install).
NODE_NEEDS = ("kube", "node", "helm", "postgres", "kafka", "dex")


def default_state_dir() -> Path:
    return cache_dir() / "local-cluster"


class ClusterState:
    """Files of one local cluster: supervisor pid, run directory, readiness record."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.pid_file = directory / "supervisor.pid"
        self.ready_file = directory / "ready.json"
        self.run_dir = directory / "run"
        self.kubeconfig = self.run_dir / "kubeconfig"
        self.log = directory / "supervisor.log"

    def supervisor_pid(self) -> int | None:
        """The pid of a live supervisor of this state directory, if any."""
        try:
            pid = int(self.pid_file.read_text())
        except (FileNotFoundError, ValueError):
            return None
        return pid if alive(pid) and SUPERVISOR_MODULE in cmdline(pid) else None

    def ready(self) -> dict[str, Any] | None:
        try:
            record: dict[str, Any] = json.loads(self.ready_file.read_text())
        except (FileNotFoundError, ValueError):
            return None
        return record

    def leftovers(self) -> list[int]:
        """Processes whose command line mentions this state directory (none after `down`)."""
        marker = str(self.directory)
        pids = all_pids()
        return [pid for pid in pids if pid != os.getpid() and alive(pid) and marker in cmdline(pid)]


def env_lines(state: ClusterState) -> list[str]:
    """Shell lines that point kubectl (and helm, if provisioned) at the local cluster."""
    paths = [str(kubernetes_bin_dir())]
    if (helm_bin_dir() / "helm").exists():
        paths.append(str(helm_bin_dir()))
    return [f"export KUBECONFIG={state.kubeconfig}", f'export PATH={":".join(paths)}:"$PATH"']


def up(state: ClusterState, *, node: bool = False) -> int:
    if state.supervisor_pid() is not None:
        print(f"local-cluster: already running (kubeconfig {state.kubeconfig})")
    else:
        if node:
            provision_components(NODE_NEEDS, needed_by="hack/local-cluster up --node")
        else:
            provision()
        leftovers = state.leftovers()
        if leftovers:
            raise InfraError(f"processes of a previous local cluster still run: {leftovers}")
        shutil.rmtree(state.run_dir, ignore_errors=True)
        state.ready_file.unlink(missing_ok=True)
        state.directory.mkdir(parents=True, exist_ok=True)
        serve_argv = [sys.executable, "-m", SUPERVISOR_MODULE, "serve"]
        serve_argv += ["--state-dir", str(state.directory), *(["--node"] if node else [])]
        supervisor = ManagedProcess(
            "local-cluster",
            serve_argv,
            state.log,
            env={"PYTHONPATH": str(REPO_ROOT / "hack")},
            cwd=state.directory,
            die_with_parent=False,
        ).start()
        state.pid_file.write_text(str(supervisor.pid))
        try:
            # With a node, a cold start builds the images too (minutes).
            timeout = 1800 if node else 300
            supervisor.wait_ready(
                lambda: state.ready() is not None, timeout=timeout, what="serving"
            )
        except BaseException:
            supervisor.stop()
            raise
        # It must outlive this command: take it off the stop-at-exit registry.
        ProcessRegistry.instance().discard(supervisor)
        record = state.ready() or {}
        print(f"local-cluster: up at {record.get('server')}; logs in {state.run_dir}")
        for line in record.get("notes", []):
            print(f"local-cluster: {line}")
    print(f"local-cluster: kubeconfig {state.kubeconfig}; point your shell at it with:")
    print("\n".join(env_lines(state)))
    return 0


def down(state: ClusterState, timeout: float = 60) -> int:
    pid = state.supervisor_pid()
    if pid is None:
        print("local-cluster: not running")
    else:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(pid):
            os.kill(pid, signal.SIGKILL)  # its components then die by PDEATHSIG
    deadline = time.monotonic() + 15
    while state.leftovers() and time.monotonic() < deadline:
        time.sleep(0.1)
    leftovers = state.leftovers()
    if leftovers:
        raise InfraError(f"processes still running after down: {leftovers}")
    state.pid_file.unlink(missing_ok=True)
    state.ready_file.unlink(missing_ok=True)
    # A supervisor that was killed leaves the credentials of the Dex that died with it.
    (state.run_dir / OIDC_CLIENT_ENV).unlink(missing_ok=True)
    if sweep_stale():  # a node whose supervisor was killed: its reaper's work, done now
        print("local-cluster: undid the host changes of a node that was not stopped")
    if pid is not None:
        print("local-cluster: stopped; no process left")
    return 0


def status(state: ClusterState) -> int:
    pid, record = state.supervisor_pid(), state.ready()
    if pid is None or record is None:
        print("local-cluster: not running" if pid is None else "local-cluster: starting")
        return 1
    http = KubeHttp(
        record["server"],
        str(state.run_dir / "pki" / "ca.crt"),
        KeyPair(state.run_dir / "pki" / "admin.crt", state.run_dir / "pki" / "admin.key"),
    )
    ready = http.ok("/readyz")
    components = ", ".join(f"{name} (pid {cpid})" for name, cpid in record["components"].items())
    print(
        f"local-cluster: {'ready' if ready else 'NOT READY'} at {record['server']}; "
        f"supervisor pid {pid}; {components}; kubeconfig {state.kubeconfig}"
    )
    return 0 if ready else 1


def serve(state: ClusterState, *, node: bool = False) -> int:
    """Run the control plane until SIGTERM/SIGINT/SIGHUP or until a component dies."""
    stop = threading.Event()
    plane: ControlPlane | NodeServices = NodeServices(state.run_dir) if node else ControlPlane()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()
        if state.ready() is None:  # still starting: abandon the start
            raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    try:
        plane.start(state.run_dir)
        record = {
            "server": plane.server,
            "kubeconfig": str(plane.kubeconfig),
            "components": {p.name: p.pid for p in plane.processes},
            "notes": plane.notes() if isinstance(plane, NodeServices) else [],
        }
        partial = state.ready_file.with_suffix(".tmp")
        partial.write_text(json.dumps(record))
        partial.replace(state.ready_file)
        print(f"serving {plane.server}", flush=True)
        while not stop.wait(1.0):
            dead = [p for p in plane.processes if not p.running()]
            if dead:
                print(f"{dead[0].name} exited\n{dead[0].log_tail()}", flush=True)
                return 1
        return 0
    finally:
        plane.stop()
        state.ready_file.unlink(missing_ok=True)


def parser() -> argparse.ArgumentParser:
    """`hack/local-cluster`'s command line."""
    parsed = argparse.ArgumentParser(
        prog="hack/local-cluster",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parsed.add_argument("command", choices=["up", "down", "env", "status", "serve"])
    parsed.add_argument(
        "--state-dir", type=Path, default=None, help="default: <cache>/local-cluster"
    )
    parsed.add_argument(
        "--node",
        action="store_true",
        help="up: also a real node (kubelet, containerd), the project image, PostgreSQL, Kafka "
        "and Dex",
    )
    return parsed


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    state = ClusterState(args.state_dir or default_state_dir())
    try:
        if args.command == "env":
            if state.supervisor_pid() is None:
                print("local-cluster: not running (hack/local-cluster up)", file=sys.stderr)
                return 1
            print("\n".join(env_lines(state)))
            return 0
        if args.command in ("up", "serve"):
            return (up if args.command == "up" else serve)(state, node=args.node)
        commands = {"down": down, "status": status}
        return commands[args.command](state)
    except InfraError as err:
        return reported(err)


if __name__ == "__main__":
    sys.exit(main())
