"""The supervisor on real child processes: liveness restarts, crash backoff, graceful stops."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from shop.devstack.child import Child, State
from shop.devstack.plan import Kind, ProcessSpec
from shop.devstack.ports import free_port
from shop.devstack.restart import RestartPolicy
from shop.devstack.state_file import pid_alive
from shop.devstack.supervisor import Supervisor
from support.polling import wait_until_async

KIT = Path(__file__).parents[1] / "kit" / "kit_processes.py"
FAST = RestartPolicy(initial_delay_seconds=0.2, max_delay_seconds=1, liveness_failures_to_restart=2)


def kit(name: str, mode: str) -> ProcessSpec:
    return ProcessSpec(name, Kind.WORKER, free_port(), (sys.executable, str(KIT), mode))


def environment(spec: ProcessSpec, markers: Path) -> dict[str, str]:
    # Unreachable infrastructure: these processes stay alive but never become ready.
    return {
        "SHOP_DATABASE_URL": "postgresql+asyncpg://nobody:pw@127.0.0.1:1/none",
        "SHOP_KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
        "SHOP_HTTP_HOST": "127.0.0.1",
        "SHOP_HTTP_PORT": str(spec.port),
        "SHOP_SHUTDOWN_TIMEOUT_SECONDS": "5",
        "OTEL_SDK_DISABLED": "true",
        "KIT_MARKER_DIR": str(markers),
    }


@asynccontextmanager
async def supervising(specs: Sequence[ProcessSpec], tmp_path: Path) -> AsyncIterator[Supervisor]:
    markers = tmp_path / "markers"
    markers.mkdir()
    env = {spec.name: environment(spec, markers) for spec in specs}
    supervisor = Supervisor(specs, env, tmp_path / "logs", FAST, stop_timeout_seconds=10)
    supervisor.start_all()
    try:
        yield supervisor
    finally:
        await supervisor.shutdown()


async def until(condition: Callable[[], bool], what: str, within: float = 60) -> None:
    """Poll a condition on the supervisor's state while its event loop runs."""

    async def probe() -> bool:
        return condition()

    await wait_until_async(probe, within=within, what=what)


async def test_a_process_failing_its_liveness_probe_is_restarted(tmp_path: Path) -> None:
    async with supervising([kit("crashing", "crash")], tmp_path) as supervisor:
        child = supervisor.children["crashing-worker"]
        await until(lambda: child.pid is not None, "started")
        first = child.pid
        await until(lambda: child.restarts >= 1 and child.pid not in (None, first), "restarted")
        assert child.state is not State.READY
    assert first is not None
    assert not pid_alive(first)


async def test_a_process_that_keeps_exiting_is_restarted_with_growing_delays(
    tmp_path: Path,
) -> None:
    exits = ProcessSpec("exits", Kind.API, free_port(), (sys.executable, "-c", "exit(3)"))
    async with supervising([exits], tmp_path) as supervisor:
        child = supervisor.children["exits-api"]
        await until(lambda: child.restarts >= 3, "restarted three times")
        assert child.last_exit == 3
        assert child.state in (State.BACKOFF, State.STARTING)
        log = await asyncio.to_thread((tmp_path / "logs" / "exits-api.log").read_text)
        assert log.count("--- devstack") >= child.restarts  # a marker line per start


async def test_stop_start_and_shutdown_end_processes_gracefully(tmp_path: Path) -> None:
    specs = [kit("one", "worker"), kit("two", "worker")]
    markers = tmp_path / "markers"
    async with supervising(specs, tmp_path) as supervisor:
        one, two = supervisor.children["one-worker"], supervisor.children["two-worker"]
        await until(lambda: (markers / "started").exists(), "a worker task running")
        await until(lambda: one.pid is not None and two.pid is not None, "both running")
        pids = [one.pid, two.pid]

        await supervisor.stop("one-worker")
        assert (one.state, one.pid) == (State.STOPPED, None)
        assert two.pid == pids[1]
        supervisor.start("one-worker", {"EXTRA": "yes"})
        await until(lambda: one.pid is not None, "one started again")
        restarted = one.pid
        assert restarted is not None
        environ = await asyncio.to_thread(Path(f"/proc/{restarted}/environ").read_bytes)
        assert b"EXTRA=yes" in environ.split(b"\0")
    assert [pid_alive(pid) for pid in (*pids, restarted) if pid] == [False, False, False]
    assert (markers / "cleaned-up").exists()  # SIGTERM let the task clean up
    assert all(child.state is State.STOPPED for child in supervisor.children.values())
    assert sorted(path.name for path in (tmp_path / "logs").iterdir()) == [
        "one-worker.log",
        "two-worker.log",
    ]


async def test_a_child_that_ends_is_noticed_without_polling(tmp_path: Path) -> None:
    child = Child("brief", (sys.executable, "-c", "exit(4)"), {}, tmp_path / "brief.log")
    child.spawn()
    await asyncio.wait_for(child.ended(), timeout=30)
    assert (child.running(), child.last_exit) == (False, 4)
    await asyncio.wait_for(child.ended(), timeout=1)  # ended already: returns at once
