"""A local node leaves nothing on the host, even when its owner is killed with SIGKILL: no
process, mount, bridge or veth, iptables rule, nftables table, cgroup, global directory or
changed sysctl (the session's own node is checked the same way when it stops: infra.fixtures_node).

These tests start nodes of their own, so they run before the session's node (tests/conftest.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from localinfra.node import default_state_dir
from localinfra.node_host import host_snapshot
from localinfra.paths import REPO_ROOT

# A node with a running pod (containers, a veth, mounts) and a Service (kube-proxy's rules),
# started by a child that prints READY and then waits to be killed.
CHILD = """
import sys, time
from pathlib import Path
from localinfra.cluster_tools import ClusterTools
from localinfra.node_cluster import NodeCluster
from localinfra.node_images import PAUSE_IMAGE
cluster = NodeCluster(Path(sys.argv[1])).start()
tools = ClusterTools(cluster.plane.kubeconfig)
tools.kubectl("run", "sleeper", f"--image={PAUSE_IMAGE}", "--image-pull-policy=Never",
              "--labels=app=sleeper")
tools.kubectl("expose", "pod", "sleeper", "--port=80")
tools.kubectl("wait", "pod/sleeper", "--for=condition=Ready", "--timeout=120s")
print("READY", flush=True)
time.sleep(3600)
"""


def wait_until_swept(before: dict[str, object], timeout: float) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        now = host_snapshot(default_state_dir())
        record = default_state_dir() / "host-record.json"
        if (now == before and not record.exists()) or time.monotonic() > deadline:
            return now
        time.sleep(1)


def test_a_node_whose_owner_is_killed_leaves_nothing_behind(tmp_path: Path) -> None:
    before = host_snapshot(default_state_dir())
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path / "plane")],
        stdout=subprocess.PIPE,
        stderr=(tmp_path / "child.log").open("w"),
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "hack")},
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        if line.strip() != "READY":
            pytest.fail(f"the node did not start:\n{(tmp_path / 'child.log').read_text()[-3000:]}")
        during = host_snapshot(default_state_dir())
        assert "shopkeeper0" in during["links"]  # type: ignore[operator]
        assert during["rules"] != before["rules"]
        assert during["node_processes"] != before["node_processes"]
    finally:
        child.send_signal(signal.SIGKILL)  # no chance to clean up: the reaper must
        child.wait(timeout=30)
    after = wait_until_swept(before, timeout=120)
    assert after == before
