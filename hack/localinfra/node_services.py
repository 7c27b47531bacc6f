"""`hack/local-cluster up --node`: a node cluster ready for `helm install` and a platform in
external mode, with the project image tagged as the chart's appVersion and PostgreSQL and Kafka
on the node's bridge IP at their usual ports."""

from __future__ import annotations

from pathlib import Path

import yaml

from localinfra.kafka import KafkaBroker
from localinfra.node_cluster import NodeCluster
from localinfra.node_host import BRIDGE_IP, POD_CIDR
from localinfra.node_images import project_image
from localinfra.paths import REPO_ROOT
from localinfra.postgres import PostgresServer
from localinfra.process import ManagedProcess

POSTGRES_PORT = 5432
KAFKA_PORT = 9092
DATABASE = "shop"


def chart_app_version() -> str:
    """The image tag the chart deploys by default."""
    chart = yaml.safe_load((REPO_ROOT / "charts" / "shopkeeper" / "Chart.yaml").read_text())
    return str(chart["appVersion"])


class NodeServices:
    """The cluster, the image and the host's PostgreSQL and Kafka; stopped together."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.cluster = NodeCluster(run_dir)
        self.postgres: PostgresServer | None = None
        self.kafka: KafkaBroker | None = None
        self.image_tag = chart_app_version()

    @property
    def server(self) -> str:
        return self.cluster.plane.server

    @property
    def kubeconfig(self) -> Path:
        return self.cluster.plane.kubeconfig

    @property
    def processes(self) -> list[ManagedProcess]:
        extra = [s.process for s in (self.postgres, self.kafka) if s and s.process]
        return [*self.cluster.processes, *extra]

    def start(self, run_dir: Path) -> NodeServices:
        self.cluster.start()
        try:
            self.cluster.import_image(project_image(self.image_tag))
            (run_dir / "postgres").mkdir(parents=True, exist_ok=True)
            self.postgres = PostgresServer(
                run_dir / "postgres", port=POSTGRES_PORT, host=BRIDGE_IP, client_network=POD_CIDR
            ).start()
            self.postgres.create_database(DATABASE)
            self.kafka = KafkaBroker(run_dir / "kafka", port=KAFKA_PORT, host=BRIDGE_IP).start()
        except BaseException:
            self.stop()
            raise
        return self

    def notes(self) -> list[str]:
        assert self.postgres is not None
        return [
            f"node {self.cluster.node.name} Ready at {BRIDGE_IP}; image "
            f"ghcr.io/shopkeeper/shopkeeper:{self.image_tag} imported",
            f"PostgreSQL {BRIDGE_IP}:{POSTGRES_PORT} (database {DATABASE}, user "
            f"{self.postgres.superuser}, password {self.postgres.password}); "
            f"Kafka {BRIDGE_IP}:{KAFKA_PORT}",
        ]

    def stop(self) -> None:
        for service in (self.kafka, self.postgres):
            if service is not None:
                service.stop()
        self.cluster.stop()
