"""Keeps every process of the shop running: restarts on exit or failed liveness, with backoff;
stops and starts single processes on request; stops everything, APIs first, on shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from shop.devstack.child import Child, State
from shop.devstack.plan import Kind, ProcessSpec
from shop.devstack.probes import probe
from shop.devstack.restart import RestartPolicy

log = logging.getLogger(__name__)
PROBE_INTERVAL_SECONDS = 1.0  # until ready, the probes are asked this often
LIVE_RECHECK_SECONDS = 5.0  # once ready, liveness is asked this often (an exit is seen at once)
READY_RECHECK_SECONDS = 10.0  # once ready, readiness (database and Kafka checks) this often
STOP_ORDER = (Kind.WEB, Kind.API, Kind.WORKER, Kind.RELAY)


@dataclass(frozen=True)
class ProcessStatus:
    """One row of the status view and of the control API's `/status`."""

    name: str
    context: str
    kind: str
    state: str
    pid: int | None
    url: str
    restarts: int
    last_exit: int | None
    log: str


class Supervisor:
    """The shop's processes, each kept alive by its own task."""

    def __init__(
        self,
        specs: Sequence[ProcessSpec],
        env: Mapping[str, Mapping[str, str]],
        log_dir: Path,
        policy: RestartPolicy | None = None,
        stop_timeout_seconds: float = 15.0,
    ) -> None:
        self.specs = {spec.name: spec for spec in specs}
        self.children = {
            spec.name: Child(spec.name, spec.argv, env[spec.name], log_dir / f"{spec.name}.log")
            for spec in specs
        }
        self.overrides: dict[str, dict[str, str]] = {name: {} for name in self.specs}
        self.policy = policy or RestartPolicy()
        self.stop_timeout_seconds = stop_timeout_seconds
        self._keepers: dict[str, asyncio.Task[None]] = {}
        self._wanted: dict[str, asyncio.Event] = {}

    def status(self) -> list[ProcessStatus]:
        return [
            ProcessStatus(
                name,
                spec.context,
                "+".join(kind.value for kind in spec.kinds),
                child.state.value,
                child.pid,
                spec.url,
                child.restarts,
                child.last_exit,
                str(child.log_path),
            )
            for name, spec in self.specs.items()
            for child in (self.children[name],)
        ]

    def ready(self, names: Sequence[str] | None = None) -> bool:
        chosen = names if names is not None else list(self.children)
        return all(self.children[name].state is State.READY for name in chosen)

    async def wait_ready(self, within: float, names: Sequence[str] | None = None) -> list[str]:
        """Wait until the processes are ready; the names of those that are not, at `within`."""
        chosen = list(names) if names is not None else list(self.children)
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.ready(chosen):
                break
            await asyncio.sleep(0.2)
        return [name for name in chosen if self.children[name].state is not State.READY]

    def start(self, name: str, env: Mapping[str, str] | None = None) -> None:
        """Keep `name` running (with `env` overriding its variables from now on, if given)."""
        self._require(name)
        if env is not None:
            self.overrides[name] = dict(env)
        if name in self._keepers and not self._keepers[name].done():
            return
        self._keepers[name] = asyncio.create_task(self._keep(name), name=f"keep {name}")

    async def stop(self, name: str) -> None:
        """Stop `name` and leave it stopped."""
        self._require(name)
        keeper = self._keepers.pop(name, None)
        if keeper is not None:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
        await self.children[name].terminate(self.stop_timeout_seconds)
        self.children[name].state = State.STOPPED

    async def restart(self, name: str, env: Mapping[str, str] | None = None) -> None:
        await self.stop(name)
        self.start(name, env)

    def start_all(self) -> None:
        for name in self.specs:
            self.start(name)

    async def shutdown(self) -> None:
        """Stop everything: APIs first, then workers, then relays (they drain the outbox)."""
        for kind in STOP_ORDER:
            names = [name for name, spec in self.specs.items() if spec.kind is kind]
            await asyncio.gather(*(self.stop(name) for name in names))

    def _require(self, name: str) -> None:
        if name not in self.specs:
            raise KeyError(f"no process named {name!r}; known: {', '.join(self.specs)}")

    async def _keep(self, name: str) -> None:
        child, spec = self.children[name], self.specs[name]
        failures = 0
        try:
            while True:
                try:
                    child.spawn(self.overrides[name])
                except OSError as err:  # e.g. the interpreter vanished: back off and retry
                    log.error("%s could not be started: %s", name, err)
                else:
                    await self._watch(child, spec)
                failures = self.policy.failures_after(failures, child.uptime())
                delay = self.policy.delay(failures)
                log.warning("%s ended (exit %s); restarting in %.1fs", name, child.last_exit, delay)
                child.state = State.BACKOFF
                await asyncio.sleep(delay)
                child.restarts += 1
        finally:
            if child.running():
                await asyncio.shield(child.terminate(self.stop_timeout_seconds))

    async def _watch(self, child: Child, spec: ProcessSpec) -> None:
        """Probe until the process exits (noticed at once) or fails its liveness probe too
        often; in between it sleeps until the next probe is due."""
        ended = asyncio.ensure_future(child.ended())
        try:
            await self._probe_until_ended(child, spec, ended)
        finally:
            ended.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ended

    async def _probe_until_ended(
        self, child: Child, spec: ProcessSpec, ended: asyncio.Future[None]
    ) -> None:
        answered_before = False
        failed_in_a_row = 0
        ready_asked = -READY_RECHECK_SECONDS
        while not ended.done():
            readiness = (
                child.state is not State.READY
                or time.monotonic() - ready_asked >= READY_RECHECK_SECONDS
            )
            if readiness:
                ready_asked = time.monotonic()
            result = await probe(spec.url, readiness=readiness)
            if ended.done() or child.exit_code() is not None:
                break
            answered_before = answered_before or result.alive is not None
            if result.alive is False or (result.alive is None and answered_before):
                failed_in_a_row += 1
            else:
                failed_in_a_row = 0
            if failed_in_a_row >= self.policy.liveness_failures_to_restart:
                log.warning("%s failed its liveness probe %d times", child.name, failed_in_a_row)
                await child.terminate(self.stop_timeout_seconds)
                break
            if result.ready:
                child.state = State.READY
            elif result.ready is False and child.state is State.READY:
                child.state = State.NOT_READY
            pause = LIVE_RECHECK_SECONDS if child.state is State.READY else PROBE_INTERVAL_SECONDS
            await asyncio.wait({ended}, timeout=pause)
