"""Serving an app with uvicorn inside our own event loop, stopping gracefully on SIGTERM/SIGINT.

The first signal starts a graceful shutdown (stop accepting, finish in-flight requests, then
the lifespan stops background tasks and closes resources, each with a deadline); a second
SIGINT forces it. The exit code says whether everything stopped cleanly.
"""

from __future__ import annotations

import asyncio
import logging
import math
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol, cast

import uvicorn
import uvloop
from fastapi import FastAPI
from opentelemetry import trace
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from shop.common.logging_setup import configure_logging
from shop.common.process import ProcessContext
from shop.common.settings import ServiceSettings
from shop.common.telemetry import configure_telemetry, flush_telemetry

SHUTDOWN_SIGNALS = (signal.SIGTERM, signal.SIGINT)
EXIT_UNCLEAN_SHUTDOWN = 1
log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """Uvicorn without its own signal handling: it would re-raise the signal after shutdown,
    turning a graceful stop into death by SIGTERM (exit status 143)."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class _TickWrites:
    """A connection's transport whose writes within one turn of the event loop go out as one:
    uvicorn writes a response's head and its body (and a stream's last event and its end)
    apart, each a send of its own and a segment the client wakes up for."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport, self._loop = transport, loop
        self._pending: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(bytes(data))

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def _flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            if not self._transport.is_closing():  # else the peer is gone: nobody to tell
                self._transport.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class _HttpProtocol(HttpToolsProtocol):
    """Uvicorn's httptools protocol, writing through `_TickWrites`."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        writes = _TickWrites(cast(asyncio.Transport, transport), self.loop)
        super().connection_made(cast(asyncio.Transport, writes))


def prepare_process(settings: ServiceSettings) -> None:
    """Configure logging and tracing for a process, from its settings."""
    configure_logging(
        settings.log_level, json=settings.log_json, static_fields={"service": settings.service_name}
    )
    if configure_telemetry(settings.tracing()) is None:
        # Disabled: a no-op provider set once, so that each span's check (`tracing_active`)
        # is an attribute read, not a lookup of OTEL_PYTHON_TRACER_PROVIDER in the environment.
        trace.set_tracer_provider(trace.NoOpTracerProvider())


class ListenSettings(Protocol):
    """What serving needs of a process's settings (ServiceSettings has it)."""

    @property
    def http_host(self) -> str: ...
    @property
    def http_port(self) -> int: ...
    @property
    def shutdown_timeout_seconds(self) -> float: ...


async def serve(app: FastAPI, settings: ListenSettings) -> None:
    """Serve `app` on the settings' host and port until a shutdown signal arrives."""
    config = uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        lifespan="on",
        http=_HttpProtocol,
        log_config=None,
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=math.ceil(settings.shutdown_timeout_seconds),
    )
    server = _Server(config)
    loop = asyncio.get_running_loop()

    def request_shutdown(signum: int) -> None:
        name = signal.Signals(signum).name
        if server.should_exit:
            log.warning("%s again: forcing shutdown", name)
            server.force_exit = True
        else:
            log.info("%s received: shutting down gracefully", name)
        server.should_exit = True

    for signum in SHUTDOWN_SIGNALS:
        loop.add_signal_handler(signum, request_shutdown, signum)
    try:
        await server.serve()
    finally:
        for signum in SHUTDOWN_SIGNALS:
            loop.remove_signal_handler(signum)


def run_process(app: FastAPI) -> int:
    """Run a `create_app` app as this process's main loop; returns the exit code.

    0 after a clean shutdown; 1 if a background task crashed or cleanup overran its deadline;
    uvicorn's 3 if start-up failed (the cause is logged).
    """
    process: ProcessContext = app.state.process
    prepare_process(process.settings)
    try:
        uvloop.run(serve(app, process.settings))  # libuv event loop: cheaper per socket operation
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_UNCLEAN_SHUTDOWN
    finally:
        flush_telemetry()
    return 0 if process.stopped_cleanly else EXIT_UNCLEAN_SHUTDOWN


run_api = run_process
"""An API process is an app served until signalled: `sys.exit(run_api(create_app(...)))`."""
