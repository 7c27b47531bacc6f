"""The built-in relay of a bench schema in a process of its own, as `shop run <context>-relay`
deploys it (`python -m bench.outbox_parts.relay_process <schema>`), so that it does not share a
core with the benchmark's writers and reader, as Debezium does not either."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from localinfra.process import ManagedProcess, http_ok
from shop.devstack.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def relay_process(schema: str, database_url: str, bootstrap: str, log: Path) -> Iterator[None]:
    """The relay process of `schema`, alive (answering `/livez`) for the duration of the block."""
    port = free_port()
    env = {
        "SHOP_DATABASE_URL": database_url,
        "SHOP_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "SHOP_HTTP_HOST": "127.0.0.1",
        "SHOP_HTTP_PORT": str(port),
        "SHOP_LOG_JSON": "false",
        "OTEL_SDK_DISABLED": "true",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "hack"), str(ROOT / "services")]),
    }
    argv = [sys.executable, "-m", "bench.outbox_parts.relay_process", schema]
    process = ManagedProcess(f"relay-{schema}", argv, log, env=env, cwd=ROOT).start()
    try:
        process.wait_ready(lambda: http_ok(f"http://127.0.0.1:{port}/livez"), timeout=120)
        yield
    finally:
        process.stop(timeout=30)


if __name__ == "__main__":
    from shop.common.relay.process import run_relay_process

    sys.exit(run_relay_process(sys.argv[1]))
