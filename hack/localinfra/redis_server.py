"""Redis from Debian's `redis-server` package, run in the foreground on loopback, without
persistence: a cache that starts empty."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Self

from localinfra.debian import ensure_packages
from localinfra.errors import MissingDependencyError
from localinfra.launcher import SingleProcessLauncher
from localinfra.paths import cache_dir
from localinfra.process import ManagedProcess
from localinfra.versions import pins
from shop.devstack.ports import free_port

DEBIAN_BINARY = Path("/usr/bin/redis-server")
MAX_MEMORY = "64mb"


def _link() -> Path:
    return cache_dir() / "redis" / "bin" / "redis-server"


def provision(force: bool = False) -> None:
    """Install Debian's redis-server at its pin (apt-get, as root) and link it into the cache."""
    del force  # apt-get decides from the installed version
    ensure_packages({"redis-server": pins()["REDIS_DEB_VERSION"]}, label="redis")
    link = _link()
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink() or link.resolve() != DEBIAN_BINARY.resolve():
        link.unlink(missing_ok=True)
        link.symlink_to(DEBIAN_BINARY)
    print(f"redis: redis-server {pins()['REDIS_DEB_VERSION']} ready at {link}", flush=True)


def binary() -> Path:
    """The server binary: the cache link made by `provision()`."""
    link = _link()
    if not link.exists():
        raise MissingDependencyError("Debian's redis-server", "make deps")
    return link


def answers_ping(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a Redis server on host:port answers PING."""
    try:
        with socket.create_connection((host, port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer(SingleProcessLauncher):
    """One Redis server on 127.0.0.1: no snapshots, no append-only file, bounded memory that
    evicts only keys with a TTL (`volatile-lru`), so keys without one are never dropped."""

    stop_timeout = 10.0

    def __init__(self, workdir: Path, *, port: int | None = None) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self._process: ManagedProcess | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> Self:
        """Start the server and wait until it answers PING."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        argv = [
            str(binary()),
            *("--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.workdir)),
            *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            *("--maxmemory", MAX_MEMORY, "--maxmemory-policy", "volatile-lru"),
        ]
        self._process = ManagedProcess("redis", argv, self.workdir / "redis.log").start()
        self._process.wait_ready(lambda: answers_ping(self.port), timeout=30, what="answering PING")
        return self
