"""Worker and API processes as real subprocesses: probes, SIGTERM/SIGINT, exit codes, cleanup."""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from shop.devstack.ports import free_port
from support.polling import wait_until

pytestmark = pytest.mark.integration

SCRIPT = Path(__file__).with_name("kit_processes.py")


@dataclass
class KitProcess:
    popen: subprocess.Popen[bytes]
    url: str
    markers: Path
    log: Path

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.url + path, timeout=10)

    def log_entries(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]


def answers(process: KitProcess, path: str, status: int) -> Callable[[], bool]:
    def check() -> bool:
        assert process.popen.poll() is None, process.log.read_text()
        try:
            return process.get(path).status_code == status
        except httpx.TransportError:
            return False

    return check


@pytest.fixture
def start(
    postgres: PostgresServer, kafka: KafkaBroker, tmp_path: Path
) -> Iterator[Callable[[str], KitProcess]]:
    started: list[KitProcess] = []

    def start_process(mode: str) -> KitProcess:
        port = free_port()
        markers = tmp_path / mode
        markers.mkdir()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SHOP_", "OTEL_"))},
            "KIT_MARKER_DIR": str(markers),
            "SHOP_SERVICE_NAME": f"kit-{mode}",
            "SHOP_DATABASE_URL": postgres.dsn("postgres"),
            "SHOP_KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
            "SHOP_HTTP_HOST": "127.0.0.1",
            "SHOP_HTTP_PORT": str(port),
            "SHOP_SHUTDOWN_TIMEOUT_SECONDS": "2",
        }
        log = tmp_path / f"{mode}.log"
        with log.open("wb") as output:
            popen = subprocess.Popen(
                [sys.executable, str(SCRIPT), mode], env=env, stdout=output, stderr=output
            )
        process = KitProcess(popen, f"http://127.0.0.1:{port}", markers, log)
        started.append(process)
        return process

    yield start_process
    for process in started:
        if process.popen.poll() is None:
            process.popen.kill()
            process.popen.wait()


def test_a_worker_stops_on_sigterm_after_its_task_cleaned_up(
    start: Callable[[str], KitProcess],
) -> None:
    worker = start("worker")
    wait_until(answers(worker, "/readyz", 200), within=30, what="ready", interval=0.05)
    assert worker.get("/livez").json() == {"status": "ok"}
    assert (worker.markers / "started").exists()
    assert "shop_http_requests_total" in worker.get("/metrics").text

    worker.popen.send_signal(signal.SIGTERM)

    assert worker.popen.wait(timeout=30) == 0, worker.log.read_text()
    assert (worker.markers / "cleaned-up").exists()
    messages = [entry["message"] for entry in worker.log_entries()]
    assert "SIGTERM received: shutting down gracefully" in messages
    assert "background task consumer stopped" in messages
    assert all(entry.get("service") == "kit-worker" for entry in worker.log_entries())


def test_a_cleanup_that_overruns_the_deadline_ends_the_worker_with_status_1(
    start: Callable[[str], KitProcess],
) -> None:
    worker = start("stubborn")
    wait_until(answers(worker, "/readyz", 200), within=30, what="ready", interval=0.05)
    begun = time.monotonic()

    worker.popen.send_signal(signal.SIGTERM)

    assert worker.popen.wait(timeout=30) == 1, worker.log.read_text()
    assert time.monotonic() - begun < 20  # the deadline is 2s, not the task's 60s
    messages = [entry["message"] for entry in worker.log_entries()]
    assert "background task consumer did not stop within 2s" in messages


def test_a_crashed_task_fails_liveness_of_the_running_worker(
    start: Callable[[str], KitProcess],
) -> None:
    worker = start("crash")
    wait_until(answers(worker, "/livez", 503), within=30, what="not live", interval=0.05)
    assert worker.get("/livez").json()["failures"] == [
        "background task consumer crashed: RuntimeError: poison message"
    ]
    assert worker.get("/readyz").status_code == 200  # dependencies are fine; the process is not

    worker.popen.send_signal(signal.SIGTERM)

    assert worker.popen.wait(timeout=30) == 1
    assert (worker.markers / "cleaned-up").exists()  # the healthy task still cleaned up
    crashed = "background task consumer crashed"
    [crash] = [entry for entry in worker.log_entries() if entry["message"] == crashed]
    assert "RuntimeError: poison message" in str(crash["exception"])


def test_an_api_serves_and_stops_on_sigint(start: Callable[[str], KitProcess]) -> None:
    api = start("api")
    wait_until(answers(api, "/readyz", 200), within=30, what="ready", interval=0.05)
    response = api.get("/hello")
    assert response.json() == {"hello": "world"}
    assert "server" not in response.headers

    api.popen.send_signal(signal.SIGINT)

    assert api.popen.wait(timeout=30) == 0, api.log.read_text()
    assert "SIGINT received: shutting down gracefully" in [
        entry["message"] for entry in api.log_entries()
    ]
