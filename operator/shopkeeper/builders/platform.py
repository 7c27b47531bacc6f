"""All children of a platform, in apply order."""

from __future__ import annotations

from shopkeeper.builders.autoscaling import build_autoscalers
from shopkeeper.builders.config import build_config_map
from shopkeeper.builders.connect import build_outbox_connect
from shopkeeper.builders.database import build_database
from shopkeeper.builders.exposure import build_exposure
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.kafka import build_topics
from shopkeeper.builders.kafka_ui import build_kafka_ui
from shopkeeper.builders.migrations import build_migration_job
from shopkeeper.builders.monitoring import build_monitoring
from shopkeeper.builders.network import build_network_policies
from shopkeeper.builders.web import build_web
from shopkeeper.builders.workloads import build_workloads


def build_all(inp: BuildInput) -> list[Manifest]:
    """Every manifest the platform wants: data first, then migrations, then the processes."""
    return [
        *build_database(inp),
        *build_topics(inp),
        build_config_map(inp),
        *build_network_policies(inp),
        build_migration_job(inp),
        *build_workloads(inp),
        *build_web(inp),
        *build_autoscalers(inp),
        *build_outbox_connect(inp),
        *build_monitoring(inp),
        *build_exposure(inp),
        *build_kafka_ui(inp),
    ]
