"""Apache Kafka from Maven Central: provisioning, and a single-node KRaft broker on 127.0.0.1.

`provision()` resolves the jars of the broker and the Kafka Connect runtime, `provision_debezium()`
the Debezium PostgreSQL plugin, with Maven (poms in `hack/maven/`) into the cache; `KafkaBroker`
runs the broker from there.
The Connect worker is in `localinfra.connect`.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import struct
import uuid
from pathlib import Path
from typing import Self

from localinfra.errors import InfraError, MissingDependencyError
from localinfra.launcher import SingleProcessLauncher
from localinfra.maven import MAVEN_DIR, STAMP, copy_dependencies, digest, is_current
from localinfra.paths import cache_dir
from localinfra.process import ManagedProcess, run_checked
from localinfra.versions import versions
from localinfra.workdir import make_workdir
from shop.devstack.ports import free_port

LOG4J_CONFIG = MAVEN_DIR / "log4j2.properties"
DEBEZIUM_PLUGIN = "debezium-connector-postgres"


def kafka_libs() -> Path:
    """Classpath directory of the broker, the tools and the Connect runtime."""
    return cache_dir() / f"kafka-{versions().kafka}" / "libs"


def debezium_plugin_path() -> Path:
    """Connect `plugin.path`: holds one directory, the Debezium PostgreSQL plugin."""
    return cache_dir() / f"debezium-{versions().debezium}" / "plugins"


def _kafka_stamp() -> str:
    v = versions()
    return f"kafka={v.kafka} slf4j={v.slf4j} pom={digest(MAVEN_DIR / 'kafka' / 'pom.xml')}\n"


def _debezium_stamp() -> str:
    v = versions()
    return f"debezium={v.debezium} pom={digest(MAVEN_DIR / 'debezium' / 'pom.xml')}\n"


def provision(force: bool = False) -> None:
    """Resolve the Apache Kafka jars (broker, tools, Connect runtime) into the cache, idempotently.

    A stamp file names the versions and the pom digest, so a warm run only reads a small file.
    """
    v = versions()
    libs = kafka_libs()
    if force or not is_current(libs, _kafka_stamp()):
        print(f"kafka: resolving Apache Kafka {v.kafka} (broker, tools, Connect)", flush=True)
        copy_dependencies(
            MAVEN_DIR / "kafka" / "pom.xml",
            libs,
            {"kafka.version": v.kafka, "slf4j.version": v.slf4j},
            expected=[
                f"kafka_2.13-{v.kafka}.jar",
                f"connect-runtime-{v.kafka}.jar",
                f"kafka-tools-{v.kafka}.jar",
                f"slf4j-api-{v.slf4j}.jar",
            ],
            stamp=_kafka_stamp(),
        )
    print(f"kafka: Apache Kafka {v.kafka} ready in {libs}", flush=True)


def provision_debezium(force: bool = False) -> None:
    """Resolve the Debezium PostgreSQL connector plugin for Kafka Connect, idempotently."""
    v = versions()
    plugin = debezium_plugin_path() / DEBEZIUM_PLUGIN
    if force or not is_current(plugin, _debezium_stamp()):
        print(f"debezium: resolving Debezium {v.debezium} PostgreSQL connector", flush=True)
        copy_dependencies(
            MAVEN_DIR / "debezium" / "pom.xml",
            plugin,
            {"debezium.version": v.debezium},
            expected=[
                f"debezium-connector-postgres-{v.debezium}.jar",
                f"debezium-connect-plugins-{v.debezium}.jar",
            ],
            stamp=_debezium_stamp(),
        )
    print(f"debezium: Debezium {v.debezium} plugin ready in {plugin}", flush=True)


def java_command(heap: str, log4j_config: Path = LOG4J_CONFIG) -> list[str]:
    """`java` with the Kafka classpath, a bounded heap and the quiet Log4j 2 configuration."""
    libs = kafka_libs()
    if not (libs / STAMP).exists():
        raise MissingDependencyError(f"Apache Kafka {versions().kafka}")
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if java is None:
        raise MissingDependencyError("Java 17", "apt-get install openjdk-17-jdk-headless")
    return [
        java,
        "-Xms64m",
        f"-Xmx{heap}",
        # Few cores and several JVMs at once: a serial collector, no shared perf-data files,
        # and C1 only, which halves startup on a busy 2-core machine (measured) at a cost in
        # peak throughput that local tests never reach.
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-XX:-UsePerfData",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={log4j_config}",
        "-cp",
        f"{libs}/*",
    ]


def _cluster_id() -> str:
    """A KRaft cluster id: 16 random bytes, unpadded URL-safe base64, not starting with '-'."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not text.startswith("-"):
            return text


class KafkaBroker(SingleProcessLauncher):
    """A single-node KRaft broker+controller listening on 127.0.0.1 (PLAINTEXT)."""

    stop_timeout = 30.0  # a controlled shutdown

    def __init__(
        self,
        workdir: Path | None = None,
        *,
        num_partitions: int = 1,
        heap: str = "512m",
        port: int | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        """`host`: the local address to listen on and advertise (e.g. a local node's bridge IP,
        so that pods get a reachable address in metadata)."""
        self.workdir = workdir
        self.num_partitions = num_partitions
        self.heap = heap
        self.host = host
        self.port = port or free_port()
        self.controller_port = free_port()
        self.cluster_id = _cluster_id()  # kept, so that start() after stop() reuses the data
        self._process: ManagedProcess | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, workdir: Path | None = None, *, timeout: float = 120) -> Self:
        """Format the storage, start the broker and wait until it answers metadata requests."""
        if self._process is not None:
            raise InfraError("Kafka broker already started")
        self.workdir = workdir or self.workdir or make_workdir("kafka")
        self.workdir.mkdir(parents=True, exist_ok=True)
        java = java_command(self.heap)
        config = self.workdir / "server.properties"
        config.write_text(self._server_properties(self.workdir))
        run_checked(
            [
                *java,
                "kafka.tools.StorageTool",
                "format",
                "--cluster-id",
                self.cluster_id,
                "--config",
                str(config),
                "--standalone",
                "--ignore-formatted",
            ],
            what="kafka storage format",
            timeout=120,
        )
        self._process = ManagedProcess(
            "kafka",
            [*java, "kafka.Kafka", str(config)],
            self.workdir / "kafka.log",
            cwd=self.workdir,
        ).start()
        try:
            self._process.wait_ready(self._ready, timeout=timeout, what="serving metadata")
        except InfraError:
            self.stop()
            raise
        return self

    def _server_properties(self, workdir: Path) -> str:
        listeners = (
            f"PLAINTEXT://{self.host}:{self.port},CONTROLLER://{self.host}:{self.controller_port}"
        )
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.bootstrap.servers": f"{self.host}:{self.controller_port}",
            "controller.listener.names": "CONTROLLER",
            "listeners": listeners,
            "advertised.listeners": listeners,
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(workdir / "data"),
            "num.partitions": str(self.num_partitions),
            "auto.create.topics.enable": "true",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "5",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "5",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            # The controller's no-op records (liveness of the metadata log, fsynced each) every
            # 5 s instead of 0.5 s: an idle broker's CPU 28 -> 20 ms/s (measured, one node).
            "metadata.max.idle.interval.ms": "5000",
            "num.network.threads": "2",
            "num.io.threads": "4",
        }
        return "".join(f"{key}={value}\n" for key, value in settings.items())

    def _ready(self) -> bool:
        return metadata_broker_count(self.host, self.port) > 0


def metadata_broker_count(host: str, port: int, timeout: float = 1.0) -> int:
    """How many brokers a Metadata (v4) request to host:port lists; 0 when it gets no answer.

    A raw request, so that readiness needs neither a JVM nor an event loop. The broker opens its
    client listener only once it is registered and unfenced; the answer proves it serves.
    """
    client_id = b"shopkeeper-probe"
    # Request header v1 (api key 3 = Metadata, version 4, correlation id 1, client id), then an
    # empty topic list and allow_auto_topic_creation=false.
    request = struct.pack(">hhih", 3, 4, 1, len(client_id)) + client_id + struct.pack(">ib", 0, 0)
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(struct.pack(">i", len(request)) + request)
            (size,) = struct.unpack(">i", _recv_exactly(sock, 4))
            response = _recv_exactly(sock, size)
        # Response header v0 (correlation id), throttle_time_ms, then the broker array length.
        correlation_id, _throttle, brokers = struct.unpack_from(">iii", response)
    except (OSError, struct.error):
        return 0
    return brokers if correlation_id == 1 else 0


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise ConnectionError("connection closed mid-response")
        chunks += chunk
    return bytes(chunks)
