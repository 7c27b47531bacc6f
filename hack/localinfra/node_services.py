"""`hack/local-cluster up --node`: a node cluster ready for `helm install` and a platform in
external mode, with the project image tagged as the chart's appVersion, and PostgreSQL, Kafka
and Dex (the token issuer) on the node's bridge IP at their usual ports."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from localinfra.kafka import KafkaBroker
from localinfra.node_cluster import NodeCluster
from localinfra.node_host import BRIDGE_IP, POD_CIDR
from localinfra.node_identity import NodeIdentity
from localinfra.node_images import ensure_base_image, project_image
from localinfra.paths import REPO_ROOT
from localinfra.postgres import PostgresServer
from localinfra.process import ManagedProcess
from localinfra.workdir import make_workdir

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
        self.identity: NodeIdentity | None = None
        self.image_tag = chart_app_version()
        self.timings: dict[str, float] = {}
        self._postgres_dir: Path | None = None

    @property
    def server(self) -> str:
        return self.cluster.plane.server

    @property
    def kubeconfig(self) -> Path:
        return self.cluster.plane.kubeconfig

    @property
    def processes(self) -> list[ManagedProcess]:
        dex = self.identity.dex if self.identity else None
        extra = [s.process for s in (self.postgres, self.kafka, dex) if s and s.process]
        return [*self.cluster.processes, *extra]

    def start(self, run_dir: Path) -> NodeServices:
        self.cluster.start()
        self.timings["node_start_to_ready_s"] = self.cluster.seconds_to_ready or 0.0
        try:
            self.timings["base_image_s"] = ensure_base_image()
            image = project_image(self.image_tag)
            self.timings["image_build_s"] = self.timings["base_image_s"] + image.seconds
            self.cluster.import_image(image)
            # PostgreSQL runs as `nobody` under root: its directory must be reachable (not $HOME).
            self._postgres_dir = make_workdir("node-postgres")
            self._postgres_dir.chmod(0o755)
            self.postgres = PostgresServer(
                self._postgres_dir, port=POSTGRES_PORT, host=BRIDGE_IP, client_network=POD_CIDR
            ).start()
            self.postgres.create_database(DATABASE)
            self.kafka = KafkaBroker(run_dir / "kafka", port=KAFKA_PORT, host=BRIDGE_IP).start()
            self.identity = NodeIdentity(run_dir).start()
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
            *(self.identity.notes() if self.identity else []),
        ]

    def stop(self) -> None:
        for service in (self.identity, self.kafka, self.postgres):
            if service is not None:
                service.stop()
        if self._postgres_dir is not None:
            shutil.rmtree(self._postgres_dir, ignore_errors=True)
        self.cluster.stop()
