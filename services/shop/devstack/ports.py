"""Loopback ports for the servers a local stack (or a test) plans before starting them.

A port found free is handed to a process that binds it a second or so later. Two things can
take it in between, and both leave that process failing to bind (`EADDRINUSE`):
- the kernel's ephemeral range also serves every outgoing connection's local port, so a port
  picked there (as `bind(("127.0.0.1", 0))` does) may become a client's port to PostgreSQL or
  Kafka in the meantime;
- the kernel may hand a just-released port out again, to the next plan in the same process.

So ports come from below the ephemeral range, never twice from one process. They also stay
below Kubernetes' NodePort range (30000-32767): on a node, kube-proxy claims those ports and
a NetworkPolicy enforcer lets any pod reach the node's own addresses on them, so a server of
the stack there (an apiserver, a database) would be open to pods whatever the policies say.
"""

from __future__ import annotations

import random
import socket
import threading
from pathlib import Path

_EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_LINUX_EPHEMERAL_START = 32768
NODE_PORTS = range(30_000, 32_768)
"""Kubernetes' default NodePort range, which planned ports stay below."""
_LOWEST = 10_000
_ATTEMPTS = 500

_given: set[int] = set()
_lock = threading.Lock()


def ephemeral_start(range_file: Path = _EPHEMERAL_RANGE) -> int:
    """The first port of the kernel's ephemeral range (Linux's default where it cannot be read)."""
    try:
        return int(range_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return _LINUX_EPHEMERAL_START


def bindable(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a TCP server could bind host:port right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on `host` that is free now, below the ephemeral and NodePort ranges, and new
    to this process."""
    top = min(ephemeral_start(), NODE_PORTS.start)
    if top - _LOWEST < 1_000:
        return _kernel_port(host)
    with _lock:
        for _ in range(_ATTEMPTS):
            port = random.randrange(_LOWEST, top)
            if port not in _given and bindable(port, host):
                _given.add(port)
                return port
    raise OSError(f"no free TCP port on {host} between {_LOWEST} and {top}")


def _kernel_port(host: str) -> int:
    # Only where the ephemeral range leaves no room below it: the kernel's pick, still never twice.
    with _lock:
        while True:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.bind((host, 0))
                port: int = sock.getsockname()[1]
            if port not in _given:
                _given.add(port)
                return port
