"""`hack/local-cluster up|down|env|status`: the test control plane, run detached for people.

`up` starts a supervisor (`serve`) in its own session; it runs a ControlPlane in
`<cache>/local-cluster/run` until `down` sends it SIGTERM. Its components die with it (PDEATHSIG),
so no process survives the supervisor. Every `up` starts from an empty cluster.
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

from localinfra.errors import InfraError, MissingDependencyError
from localinfra.helm import helm_bin_dir
from localinfra.kube import ControlPlane
from localinfra.kube_api import KubeHttp
from localinfra.kube_pki import KeyPair
from localinfra.kube_provision import kubernetes_bin_dir, provision
from localinfra.paths import REPO_ROOT, cache_dir
from localinfra.process import ManagedProcess, ProcessRegistry

SUPERVISOR_MODULE = "localinfra.kube_cluster"


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
        return pid if _alive(pid) and SUPERVISOR_MODULE in _cmdline(pid) else None

    def ready(self) -> dict[str, Any] | None:
        try:
            record: dict[str, Any] = json.loads(self.ready_file.read_text())
        except (FileNotFoundError, ValueError):
            return None
        return record

    def leftovers(self) -> list[int]:
        """Processes whose command line mentions this state directory (none after `down`)."""
        marker = str(self.directory)
        pids = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]
        return [
            pid for pid in pids if pid != os.getpid() and _alive(pid) and marker in _cmdline(pid)
        ]


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"  # a zombie is already dead


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def env_lines(state: ClusterState) -> list[str]:
    """Shell lines that point kubectl (and helm, if provisioned) at the local cluster."""
    paths = [str(kubernetes_bin_dir())]
    if (helm_bin_dir() / "helm").exists():
        paths.append(str(helm_bin_dir()))
    return [f"export KUBECONFIG={state.kubeconfig}", f'export PATH={":".join(paths)}:"$PATH"']


def up(state: ClusterState) -> int:
    if state.supervisor_pid() is not None:
        print(f"local-cluster: already running (kubeconfig {state.kubeconfig})")
    else:
        provision()
        leftovers = state.leftovers()
        if leftovers:
            raise InfraError(f"processes of a previous local cluster still run: {leftovers}")
        shutil.rmtree(state.run_dir, ignore_errors=True)
        state.ready_file.unlink(missing_ok=True)
        state.directory.mkdir(parents=True, exist_ok=True)
        supervisor = ManagedProcess(
            "local-cluster",
            [sys.executable, "-m", SUPERVISOR_MODULE, "serve", "--state-dir", str(state.directory)],
            state.log,
            env={"PYTHONPATH": str(REPO_ROOT / "hack")},
            cwd=state.directory,
            die_with_parent=False,
        ).start()
        state.pid_file.write_text(str(supervisor.pid))
        try:
            supervisor.wait_ready(lambda: state.ready() is not None, timeout=300, what="serving")
        except BaseException:
            supervisor.stop()
            raise
        # It must outlive this command: take it off the stop-at-exit registry.
        ProcessRegistry.instance().discard(supervisor)
        print(
            f"local-cluster: up at {(state.ready() or {}).get('server')}; logs in {state.run_dir}"
        )
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
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)  # its components then die by PDEATHSIG
    deadline = time.monotonic() + 15
    while state.leftovers() and time.monotonic() < deadline:
        time.sleep(0.1)
    leftovers = state.leftovers()
    if leftovers:
        raise InfraError(f"processes still running after down: {leftovers}")
    state.pid_file.unlink(missing_ok=True)
    state.ready_file.unlink(missing_ok=True)
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


def serve(state: ClusterState) -> int:
    """Run the control plane until SIGTERM/SIGINT/SIGHUP or until a component dies."""
    stop = threading.Event()
    plane = ControlPlane()

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
        commands = {"up": up, "down": down, "status": status, "serve": serve}
        return commands[args.command](state)
    except MissingDependencyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 4
    except InfraError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
