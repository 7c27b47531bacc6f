"""Names of a platform's children, derived from the platform name alone (stable across runs)."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def workload(platform: str, context: str, role: str) -> str:
    """Deployment, Service, PDB and autoscaler of one process: `<platform>-<context>-<role>`."""
    return f"{platform}-{context}-{role}"


def config_map(platform: str) -> str:
    """The shared, non-secret configuration of every process."""
    return f"{platform}-config"


def migration_job(platform: str, pod_template: dict[str, Any]) -> str:
    """`<platform>-migrate-<hash>`: a new Job (Jobs are immutable) per image or template."""
    return f"{platform}-migrate-{content_hash(pod_template)}"


def kafka_topic(platform: str, topic: str) -> str:
    """KafkaTopic resource name (topic names are already valid lowercase DNS subdomains)."""
    return f"{platform}-{topic}".lower()


def kafka_connect(platform: str) -> str:
    """The KafkaConnect the operator creates for a platform."""
    return f"{platform}-connect"


def kafka_connector(platform: str, context: str) -> str:
    """The Debezium connector relaying one context's outbox."""
    return f"{platform}-{context}-outbox"


def pg_cluster(platform: str) -> str:
    """The CloudNativePG Cluster (CNPG names its Secret `<cluster>-app`, Service `<cluster>-rw`)."""
    return f"{platform}-db"


def pg_database(platform: str) -> str:
    """The CloudNativePG Database resource."""
    return f"{platform}-database"


def db_role_secret(platform: str, context: str) -> str:
    """The credentials of one context's database role (ADR 0053)."""
    return f"{platform}-db-{context}"


def shop(platform: str) -> str:
    """Platform-wide objects: Ingress, HTTPRoute, ServiceMonitor, PrometheusRule."""
    return f"{platform}-shop"


def kafka_ui(platform: str) -> str:
    """The optional Kafka UI's Deployment and Service."""
    return f"{platform}-kafka-ui"


def content_hash(value: Any, length: int = 10) -> str:
    """A short, stable hash of JSON-serialisable content."""
    encoded = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()[:length]
