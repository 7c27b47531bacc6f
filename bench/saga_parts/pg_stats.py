"""PostgreSQL's work per order (`--pg-stats`): statements, transactions and CPU by backend.

With the option the stack's PostgreSQL loads pg_stat_statements (`track = all`: statements run
by triggers count too, apart from the top-level ones the processes send). Each step resets the
counters at its start and reads them after its drain:
- top-level statements per context (one database role each, docs/adr/0053), with BEGIN,
  COMMIT and the relays' reads apart, and the triggers' statements;
- committed transactions (`pg_stat_database.xact_commit`): every autocommit statement is one,
  and so is every wake-up of a listening backend by a NOTIFY (PostgreSQL 15 signals every
  listener of the database, and each reads the queue in a transaction of its own). A backend
  reports its counts when it next goes idle after a statement, at most once a second: a step's
  edges shift by about that, and a backend that only listens (the order stream's feed) never
  reports its wake-ups;
- CPU of each backend from /proc, grouped as the pools' connections per context, the listening
  ones (a relay's lock connection, the order stream's feed) and PostgreSQL's own processes.
The loaded module and its hooks cost a little CPU of their own: compare CPU figures with runs
without the option.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import psutil

SETTINGS = {
    "shared_preload_libraries": "'pg_stat_statements'",
    "pg_stat_statements.track": "'all'",
    "pg_stat_statements.max": "5000",
}
"""PostgreSQL's settings for the option (at the server's start)."""
RELAY_LOCK_APPLICATION = "shop-outbox-relay"  # shop.common.relay.leadership's application_name
_BACKENDS = """
SELECT pid, coalesce(usename, ''), coalesce(application_name, ''), backend_type,
       coalesce(query, '') LIKE 'LISTEN %'
FROM pg_stat_activity WHERE pid <> pg_backend_pid()"""
_STATEMENTS = """
SELECT r.rolname, s.toplevel, s.query, s.calls
FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND r.rolname <> current_user"""
_COMMITS = "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"


def backend_group(role: str, application: str, kind: str, listening: bool) -> str:
    """How a backend is reported: `ordering` (a pool's connection), `listening` (a relay's
    lock connection or the order stream's feed), or PostgreSQL's own (`walwriter`, ...)."""
    if kind != "client backend":
        return kind
    if application == RELAY_LOCK_APPLICATION or listening:
        return "listening"
    return role.removeprefix("shop_")


def _cpu_seconds(pid: int) -> float | None:
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.NoSuchProcess:
        return None
    return float(times.user + times.system)


@dataclass
class PgStats:
    """Reset at a step's start, read after its drain (`dsn`: the shop database, as superuser)."""

    dsn: str
    _cpu: dict[int, float] = field(default_factory=dict)

    async def start(self) -> None:
        connection = await asyncpg.connect(self.dsn)
        try:
            await connection.execute("SELECT pg_stat_statements_reset(), pg_stat_reset()")
            rows = await connection.fetch(_BACKENDS)
        finally:
            await connection.close()
        spent = {row[0]: _cpu_seconds(row[0]) for row in rows}
        self._cpu = {pid: seconds for pid, seconds in spent.items() if seconds is not None}

    async def finish(self, orders: int) -> dict[str, Any]:
        """What the step cost PostgreSQL per finished order."""
        connection = await asyncpg.connect(self.dsn)
        try:
            statements = await connection.fetch(_STATEMENTS)
            commits = await connection.fetchval(_COMMITS)
            backends = await connection.fetch(_BACKENDS)
        finally:
            await connection.close()
        per = max(1, orders)
        listening = [row for row in backends if backend_group(*row[1:]) == "listening"]
        return {
            **_statements(statements, per),
            "commits": round(int(commits) / per, 1),
            "listening_backends": len(listening),
            "cpu_ms_by_backend": self._cpu_by_group(backends, per),
        }

    def _cpu_by_group(self, backends: list[asyncpg.Record], per: int) -> dict[str, float]:
        spent: dict[str, float] = {}
        for pid, role, application, kind, listening in backends:
            now = _cpu_seconds(pid)
            if now is None:
                continue
            group = backend_group(role, application, kind, listening)
            spent[group] = spent.get(group, 0.0) + now - self._cpu.get(pid, 0.0)
        ordered = sorted(spent.items(), key=lambda item: -item[1])
        return {group: round(seconds * 1000 / per, 2) for group, seconds in ordered if seconds}


def _statements(rows: list[asyncpg.Record], per: int) -> dict[str, Any]:
    by_context: dict[str, int] = {}
    begin = commit = relay = nested = 0
    for role, toplevel, query, calls in rows:
        if not toplevel:
            nested += calls
            continue
        context = role.removeprefix("shop_")
        by_context[context] = by_context.get(context, 0) + calls
        begin += calls if query == "BEGIN" else 0
        commit += calls if query == "COMMIT" else 0
        relay += calls if query.startswith("WITH relayed AS") else 0
    ordered = sorted(by_context.items(), key=lambda item: -item[1])
    return {
        "statements": round(sum(by_context.values()) / per, 1),
        "begin": round(begin / per, 1),
        "commit": round(commit / per, 1),
        "relay_reads": round(relay / per, 1),
        "in_triggers": round(nested / per, 1),
        "statements_by_context": {context: round(calls / per, 1) for context, calls in ordered},
    }


def line(stats: dict[str, Any]) -> str:
    """One line of a step's figures, below its row of the table."""
    cpu = stats["cpu_ms_by_backend"]
    listening = cpu.get("listening", 0.0)
    return (
        f"{'':>10}postgres per order: {stats['statements']:g} statements (BEGIN "
        f"{stats['begin']:g}, COMMIT {stats['commit']:g}, relay reads {stats['relay_reads']:g}),"
        f" {stats['in_triggers']:g} in triggers, {stats['commits']:g} commits; backends'"
        f" CPU {sum(cpu.values()):.1f} ms, of which {stats['listening_backends']} listening"
        f" {listening:.2f}"
    )
