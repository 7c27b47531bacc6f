"""Kafka Connect (distributed mode) with the Debezium PostgreSQL plugin, on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self, cast

import httpx

from localinfra.errors import InfraError, MissingDependencyError
from localinfra.kafka import DEBEZIUM_PLUGIN, debezium_plugin_path, java_command
from localinfra.launcher import SingleProcessLauncher
from localinfra.process import ManagedProcess
from localinfra.versions import versions
from localinfra.workdir import make_workdir
from shop.devstack.ports import free_port

POSTGRES_CONNECTOR = "io.debezium.connector.postgresql.PostgresConnector"
JSON_CONVERTER = "org.apache.kafka.connect.json.JsonConverter"

Json = dict[str, Any]


class KafkaConnect(SingleProcessLauncher):
    """A one-worker Connect cluster whose plugin path holds the Debezium PostgreSQL connector."""

    stop_timeout = 30.0  # connectors stop with the worker

    def __init__(
        self,
        bootstrap_servers: str,
        workdir: Path | None = None,
        *,
        group_id: str = "shopkeeper-connect",
        heap: str = "512m",
        port: int | None = None,
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.workdir = workdir
        self.group_id = group_id
        self.heap = heap
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self._process: ManagedProcess | None = None
        self._http = httpx.Client(base_url=self.rest_url, timeout=30)

    @property
    def rest_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, workdir: Path | None = None, *, timeout: float = 180) -> Self:
        """Start the worker; wait until it is healthy and lists the Debezium connector."""
        if self._process is not None:
            raise InfraError("Kafka Connect already started")
        if not (debezium_plugin_path() / DEBEZIUM_PLUGIN).is_dir():
            raise MissingDependencyError(f"Debezium {versions().debezium} PostgreSQL connector")
        self.workdir = workdir or self.workdir or make_workdir("connect")
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "connect-distributed.properties"
        config.write_text(self._worker_properties())
        self._process = ManagedProcess(
            "kafka-connect",
            [
                *java_command(self.heap),
                "org.apache.kafka.connect.cli.ConnectDistributed",
                str(config),
            ],
            self.workdir / "connect.log",
            cwd=self.workdir,
        ).start()
        try:
            self._process.wait_ready(
                self._ready, timeout=timeout, what=f"healthy with {POSTGRES_CONNECTOR}"
            )
        except InfraError:
            self.stop()
            raise
        return self

    def _worker_properties(self) -> str:
        topic = self.group_id
        settings = {
            "bootstrap.servers": self.bootstrap_servers,
            "group.id": self.group_id,
            "config.storage.topic": f"{topic}-configs",
            "offset.storage.topic": f"{topic}-offsets",
            "status.storage.topic": f"{topic}-status",
            "config.storage.replication.factor": "1",
            "offset.storage.replication.factor": "1",
            "status.storage.replication.factor": "1",
            "offset.storage.partitions": "1",
            "status.storage.partitions": "1",
            "key.converter": JSON_CONVERTER,
            "value.converter": JSON_CONVERTER,
            "key.converter.schemas.enable": "false",
            "value.converter.schemas.enable": "false",
            "listeners": self.rest_url,
            "rest.advertised.host.name": self.host,
            "rest.advertised.port": str(self.port),
            "plugin.path": str(debezium_plugin_path()),
            # Every plugin here ships ServiceLoader manifests: skip the slow reflective scan.
            "plugin.discovery": "service_load",
            # Source offsets (the replicated LSN) are committed soon, so restarts resume quickly.
            "offset.flush.interval.ms": "1000",
        }
        return "".join(f"{key}={value}\n" for key, value in settings.items())

    def _ready(self) -> bool:
        try:
            if self._http.get("/health", timeout=2).status_code != 200:
                return False
            return POSTGRES_CONNECTOR in self.connector_plugins()
        except (httpx.HTTPError, InfraError):
            return False

    def connector_plugins(self) -> list[str]:
        """Class names of the installed connector plugins."""
        plugins = self._request("GET", "/connector-plugins")
        return [plugin["class"] for plugin in plugins]

    def create_connector(self, name: str, config: Mapping[str, str], timeout: float = 60) -> Json:
        """Create (or reconfigure) a connector; retried while the worker group rebalances."""
        deadline = time.monotonic() + timeout
        while True:
            response = self._http.put(f"/connectors/{name}/config", json=dict(config))
            if response.status_code in (200, 201):
                return cast(Json, response.json())
            # 409: a rebalance is in progress; the worker answers again once it is over.
            if response.status_code != 409 or time.monotonic() > deadline:
                raise InfraError(f"creating connector {name} failed: {_describe(response)}")
            time.sleep(0.5)

    def connector_status(self, name: str) -> Json:
        """`GET /connectors/<name>/status`: connector and task states."""
        return cast(Json, self._request("GET", f"/connectors/{name}/status"))

    def wait_connector_running(self, name: str, timeout: float = 60) -> Json:
        """Poll until the connector and all its tasks run; fail at once if one has FAILED."""
        deadline = time.monotonic() + timeout
        status: Json | None = None
        while time.monotonic() < deadline:
            response = self._http.get(f"/connectors/{name}/status")
            if response.status_code == 200:
                status = cast(Json, response.json())
                states = [status["connector"]["state"]] + [t["state"] for t in status["tasks"]]
                if "FAILED" in states:
                    raise InfraError(f"connector {name} failed: {_failure_trace(status)}")
                if status["tasks"] and set(states) == {"RUNNING"}:
                    return status
            elif response.status_code != 404:  # 404: not yet known to this worker
                raise InfraError(f"status of connector {name}: {_describe(response)}")
            time.sleep(0.2)
        raise InfraError(f"connector {name} not RUNNING within {timeout:.0f}s; last: {status}")

    def pause_connector(self, name: str, timeout: float = 60) -> None:
        """Pause a connector and wait until it and its tasks are PAUSED (a Debezium source
        then stops reading the WAL; its slot keeps what it has not read)."""
        self._set_state(name, "pause", "PAUSED", timeout)

    def resume_connector(self, name: str, timeout: float = 60) -> None:
        """Resume a paused connector; wait until it and its tasks run."""
        self._set_state(name, "resume", "RUNNING", timeout)

    def _set_state(self, name: str, action: str, state: str, timeout: float) -> None:
        response = self._http.put(f"/connectors/{name}/{action}")
        if response.status_code != 202:
            raise InfraError(f"{action} connector {name}: {_describe(response)}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.connector_status(name)
            states = [status["connector"]["state"]] + [t["state"] for t in status["tasks"]]
            if status["tasks"] and set(states) == {state}:
                return
            time.sleep(0.2)
        raise InfraError(f"connector {name} not {state} within {timeout:.0f}s")

    def delete_connector(self, name: str) -> None:
        """Delete a connector (absent is fine). Its replication slot stays in PostgreSQL."""
        response = self._http.delete(f"/connectors/{name}")
        if response.status_code not in (200, 204, 404):
            raise InfraError(f"deleting connector {name} failed: {_describe(response)}")

    def _request(self, method: str, path: str) -> Any:
        response = self._http.request(method, path)
        if response.status_code >= 300:
            raise InfraError(f"{method} {path}: {_describe(response)}")
        return response.json()

    def close(self) -> None:
        """Stop the worker and release the HTTP client."""
        self.stop()
        self._http.close()


def _describe(response: httpx.Response) -> str:
    return f"HTTP {response.status_code} {response.text[:2000]}"


def _failure_trace(status: Json) -> str:
    traces = [status["connector"].get("trace")] + [t.get("trace") for t in status["tasks"]]
    return "\n".join(trace for trace in traces if trace) or str(status)
