"""PostgreSQL from Debian's packages, run as a throwaway cluster with `wal_level=logical`."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Self

from localinfra import pgvector
from localinfra.errors import InfraError, MissingDependencyError
from localinfra.launcher import SingleProcessLauncher
from localinfra.paths import cache_dir
from localinfra.process import ManagedProcess, run_checked
from localinfra.versions import versions
from shop.common.database_socket import socket_path_fits
from shop.devstack.ports import free_port

SUPERUSER = "shopkeeper"
PASSWORD = "shopkeeper-local"  # loopback-only throwaway clusters
DATABASE_OVER = ("socket", "tcp")
"""How the local stack's shop processes reach the cluster (ADR 0058); the first is the default."""


def _debian_bindir() -> Path:
    return Path(f"/usr/lib/postgresql/{versions().postgres_major}/bin")


def bindir() -> Path:
    """The server binaries: the cache link made by `provision()`."""
    link = cache_dir() / f"postgresql-{versions().postgres_major}" / "bin"
    if not (link / "postgres").exists():
        raise MissingDependencyError(f"PostgreSQL {versions().postgres_major} server")
    # Resolved: the server runs unprivileged and may not traverse $HOME.
    return link.resolve()


def provision(force: bool = False) -> None:
    """Install the Debian server package if missing, link its binaries into the cache, and
    install pgvector for it (`localinfra.pgvector`)."""
    major = versions().postgres_major
    target = _debian_bindir()
    if force or not (target / "postgres").exists():
        if os.geteuid() != 0:
            raise MissingDependencyError(
                f"PostgreSQL {major} server", f"sudo apt-get install postgresql-{major}"
            )
        print(f"postgres: installing postgresql-{major} from Debian", flush=True)
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        run_checked(["apt-get", "update", "-qq"], what="apt-get update", env=env)
        run_checked(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", f"postgresql-{major}"],
            what=f"apt-get install postgresql-{major}",
            env=env,
        )
    link_dir = cache_dir() / f"postgresql-{major}"
    link_dir.mkdir(parents=True, exist_ok=True)
    link = link_dir / "bin"
    if not link.is_symlink() or link.resolve() != target.resolve():
        link.unlink(missing_ok=True)
        link.symlink_to(target)
    print(f"postgres: PostgreSQL {major} ready at {link}", flush=True)
    pgvector.provision(force)  # the catalog's migrations create the `vector` extension


def _unprivileged_user() -> str | None:
    """PostgreSQL refuses to run as root; run it as `nobody` then."""
    return "nobody" if os.geteuid() == 0 else None


class PostgresServer(SingleProcessLauncher):
    """A PostgreSQL cluster in a temporary directory, listening on 127.0.0.1 (and `host`)."""

    stop_timeout = 20.0  # PostgreSQL stops fast on SIGINT

    def __init__(
        self,
        workdir: Path,
        *,
        port: int | None = None,
        host: str = "127.0.0.1",
        client_network: str | None = None,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        """`host`: an address to listen on besides 127.0.0.1 (e.g. a local node's bridge IP),
        from which `client_network` (e.g. the pod range) may connect with the password.
        `settings`: server settings besides (or instead of) the defaults, as
        `postgresql.conf` spells them (e.g. a benchmark's `shared_preload_libraries`)."""
        self.workdir = workdir
        self.host = host
        self.client_network = client_network
        self.extra_settings = dict(settings or {})
        self.port = port or free_port()
        self.superuser = SUPERUSER
        self.password = PASSWORD
        self._process: ManagedProcess | None = None

    def dsn(self, database: str = "postgres", driver: str = "postgresql") -> str:
        """A connection URL; `driver` may be e.g. `postgresql+asyncpg`."""
        return f"{driver}://{self.superuser}:{self.password}@{self.host}:{self.port}/{database}"

    @property
    def socket_dir(self) -> Path:
        """Where the server's Unix socket is (`unix_socket_directories`)."""
        return self.workdir

    def shop_socket_dir(self, over: str) -> Path | None:
        """The socket directory the shop's processes connect to when `over` is `socket` (None:
        TCP, also when the socket's path is too long for the kernel)."""
        if over not in DATABASE_OVER:
            raise ValueError(f"database over {over!r}: choose from {', '.join(DATABASE_OVER)}")
        if over == "tcp":
            return None
        if not socket_path_fits(self.socket_dir, self.port):
            print(f"postgres: {self.socket_dir} is too long for a socket; TCP instead", flush=True)
            return None
        return self.socket_dir

    def start(self) -> Self:
        """initdb (unless the data directory exists: a restart), start the server and wait
        until it accepts queries."""
        bins = bindir()
        data = self.workdir / "data"
        run_as = _unprivileged_user()
        if not (data / "PG_VERSION").exists():
            self._initdb(data, run_as)
        self._process = ManagedProcess(
            "postgres",
            [str(bins / "postgres"), "-D", str(data)],
            self.workdir / "postgres.log",
            cwd=self.workdir,
            user=run_as,
            stop_signal=signal.SIGINT,  # "fast" shutdown; SIGTERM waits for clients to leave
        ).start()
        self._process.wait_ready(self._accepts_queries, timeout=60, what="accepting queries")
        return self

    def _initdb(self, data: Path, run_as: str | None) -> None:
        bins = bindir()
        if run_as:
            shutil.chown(self.workdir, user=run_as)
        pwfile = self.workdir / "pwfile"
        pwfile.write_text(self.password)
        if run_as:
            shutil.chown(pwfile, user=run_as)
        run_checked(
            [
                str(bins / "initdb"),
                "-D",
                str(data),
                "-U",
                self.superuser,
                "--pwfile",
                str(pwfile),
                "-A",
                "scram-sha-256",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            what="initdb",
            cwd=self.workdir,
            user=run_as,
        )
        (data / "postgresql.auto.conf").write_text(self._settings())
        with (data / "pg_hba.conf").open("a") as hba:
            hba.write("host replication all 127.0.0.1/32 scram-sha-256\n")
            if self.client_network:
                for kind in ("all", "replication"):
                    hba.write(f"host {kind} all {self.client_network} scram-sha-256\n")

    def stop_immediately(self) -> None:
        """An immediate shutdown (SIGQUIT): no checkpoint; `start()` then recovers from WAL."""
        self.kill(signal.SIGQUIT)

    def terminate_backends(self, database: str) -> int:
        """`pg_terminate_backend` every session on `database`; how many there were."""
        terminated = self.psql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )
        return int(terminated or 0)

    def _settings(self) -> str:
        settings = {
            "listen_addresses": f"'{','.join(dict.fromkeys(['127.0.0.1', self.host]))}'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.workdir}'",
            "wal_level": "logical",
            "max_replication_slots": "20",
            "max_wal_senders": "20",
            "max_connections": "300",
            "fsync": "off",
            "full_page_writes": "off",
            "shared_buffers": "128MB",
            "log_min_messages": "warning",
            **self.extra_settings,
        }
        return "".join(f"{key} = {value}\n" for key, value in settings.items())

    def _accepts_queries(self) -> bool:
        try:
            self.psql("SELECT 1")
        except InfraError:
            return False
        return True

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL through psql over TCP and return its unaligned output."""
        argv = [
            str(bindir() / "psql"),
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            self.dsn(database),
            "-c",
            sql,
        ]
        try:
            return run_checked(argv, what="psql", timeout=60).strip()
        except subprocess.TimeoutExpired as err:
            raise InfraError(f"psql timed out: {sql}") from err

    def create_database(self, name: str) -> str:
        """Create a database (if absent) and return its libpq URL."""
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        if not exists:
            self.psql(f'CREATE DATABASE "{name}"')
        return self.dsn(name)
