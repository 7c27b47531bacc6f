"""`python -m localinfra.node_reaper --owner PID --state-dir DIR`: undo a node's host changes
once its owner has died without doing so (a SIGKILLed test session, say).

Started by `LocalNode.prepare_host()` in a session of its own and without PDEATHSIG, so it
outlives its owner; a clean `LocalNode.stop()` sweeps first and then stops it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from localinfra.node_host import HostState, machine_lock
from localinfra.node_images import release_storage
from localinfra.process import alive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localinfra.node_reaper", description=__doc__)
    parser.add_argument("--owner", type=int, required=True)
    parser.add_argument("--state-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    host = HostState(args.state_dir)
    while alive(args.owner):
        time.sleep(0.5)
    # The owner's lock died with it; a new node waits for this one while it sweeps.
    with machine_lock(args.state_dir, timeout=600):
        record = host.record()
        if record is not None and record.owner_pid == args.owner:
            print(f"owner {args.owner} died without stopping its node: sweeping", flush=True)
            host.sweep()
            release_storage()
    return 0


if __name__ == "__main__":
    sys.exit(main())
