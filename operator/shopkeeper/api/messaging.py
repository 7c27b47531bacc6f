"""Kafka (a Strimzi cluster or bootstrap servers) and the outbox relay (Debezium or built-in)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from shopkeeper.api.base import ApiModel, DnsLabel, DnsSubdomain, Resources, cel

DEFAULT_DEBEZIUM_VERSION = "3.7.0.Final"
BOOTSTRAP_PATTERN = r"^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$"


class TopicSettings(ApiModel):
    """Settings of the shop's event topics."""

    partitions: int = Field(3, ge=1, le=1000)
    """Partitions per topic (the most consumers a group can use in parallel)."""
    replicas: int = Field(3, ge=1, le=10)
    """Replication factor."""
    retention_ms: int = Field(604_800_000, ge=-1)
    """How long events are kept, in ms (-1: forever). Default 7 days."""


class DlqSettings(ApiModel):
    """Dead-letter topics `<topic>.<group>.dlq`, one per consumed topic and consumer group."""

    enabled: bool = True
    """Create the DLQ topics."""
    partitions: int = Field(1, ge=1, le=1000)
    """Partitions per DLQ topic."""
    retention_ms: int = Field(1_209_600_000, ge=-1)
    """How long parked messages are kept, in ms (-1: forever). Default 14 days."""


class KafkaSpec(ApiModel):
    """Where the shop's Kafka is."""

    model_config = ConfigDict(
        json_schema_extra=cel(
            (
                "has(self.strimziCluster) || has(self.bootstrapServers)",
                "kafka needs strimziCluster (the name of a Strimzi Kafka in this namespace) "
                "or bootstrapServers (host:port[,host:port...])",
            )
        )
    )

    strimzi_cluster: DnsLabel | None = None
    """Name of a Strimzi `Kafka` in the platform's namespace; KafkaTopics are written for it."""
    bootstrap_servers: str | None = Field(None, pattern=BOOTSTRAP_PATTERN, max_length=1024)
    """Bootstrap servers; defaults to the Strimzi cluster's `<name>-kafka-bootstrap:<port>`."""
    listener_port: int = Field(9092, ge=1, le=65535)
    """Port of the Strimzi listener the shop uses (its plain internal listener by default)."""
    topics: TopicSettings = TopicSettings()
    """Event topics."""
    dlq: DlqSettings = DlqSettings()
    """Dead-letter topics."""

    @property
    def bootstrap(self) -> str:
        """The bootstrap servers the processes use."""
        if self.bootstrap_servers:
            return self.bootstrap_servers
        if self.strimzi_cluster is None:
            raise ValueError("kafka needs strimziCluster or bootstrapServers")
        return f"{self.strimzi_cluster}-kafka-bootstrap:{self.listener_port}"


class ConnectBuild(ApiModel):
    """Strimzi builds a Kafka Connect image with the Debezium plugin from Maven Central."""

    output_image: str = Field(min_length=1, max_length=512)
    """Where Strimzi pushes the built image, e.g. `registry.example.com/shop/connect:1`."""
    push_secret: DnsSubdomain | None = None
    """Secret with credentials for pushing to that registry."""


class CreateConnect(ApiModel):
    """A KafkaConnect created for this platform."""

    model_config = ConfigDict(
        json_schema_extra=cel(
            (
                "has(self.image) != has(self.build)",
                "outbox.debezium.create needs exactly one of image (a Kafka Connect image that "
                "already holds Debezium) or build (Strimzi builds one from Maven artifacts)",
            )
        )
    )

    replicas: int = Field(1, ge=1, le=10)
    """Kafka Connect workers."""
    image: str | None = Field(None, min_length=1, max_length=512)
    """A ready Kafka Connect image with the Debezium PostgreSQL connector."""
    build: ConnectBuild | None = None
    """Build the image with Strimzi from Maven artifacts."""
    debezium_version: str = Field(
        DEFAULT_DEBEZIUM_VERSION, pattern=r"^[0-9]+\.[0-9]+\.[0-9]+\.\w+$"
    )
    """Debezium version of the Maven artifacts."""
    resources: Resources = Resources(
        requests={"cpu": "250m", "memory": "512Mi"}, limits={"memory": "1Gi"}
    )
    """Kafka Connect container resources."""


class DebeziumSpec(ApiModel):
    """Debezium relays each schema's outbox through a Strimzi KafkaConnector."""

    model_config = ConfigDict(
        json_schema_extra=cel(
            (
                "has(self.connectCluster) != has(self.create)",
                "outbox.debezium needs exactly one of connectCluster (the name of an existing "
                "KafkaConnect in this namespace) or create",
            )
        )
    )

    connect_cluster: DnsLabel | None = None
    """An existing KafkaConnect (with connector resources enabled and a `secrets` config
    provider able to read the database Secret)."""
    create: CreateConnect | None = None
    """Create a KafkaConnect for this platform."""


CONFIG_PROVIDER_REFERENCE = r"^\$\{[^}]+\}$"


class ConnectRestSpec(ApiModel):
    """An existing Kafka Connect cluster (self-run or managed) whose REST API the operator uses
    to register the outbox connectors, repair them and restart them when they fail."""

    model_config = ConfigDict(
        json_schema_extra=cel(
            (
                "has(self.databaseUser) == has(self.databasePassword)",
                "outbox.connectRest needs both databaseUser and databasePassword (config "
                "provider references), or neither (the operator reads the database Secret)",
            )
        )
    )

    url: str = Field(pattern=r"^https?://[^\s/]+(/[^\s]*)?$", max_length=2048)
    """Base URL of the Connect REST API, e.g. `http://connect.kafka:8083`."""
    basic_auth_secret: DnsSubdomain | None = None
    """Secret in the platform's namespace with keys `username` and `password` for HTTP basic
    authentication (none if unset)."""
    database_host: str | None = Field(None, min_length=1, max_length=253)
    """Database host as the Connect workers reach it; default: the platform's (a CloudNativePG
    cluster's `<cluster>-rw.<namespace>.svc`)."""
    database_port: int | None = Field(None, ge=1, le=65535)
    """Database port as the Connect workers reach it; default: the platform's."""
    database_user: str | None = Field(None, pattern=CONFIG_PROVIDER_REFERENCE, max_length=512)
    """A config-provider reference the workers resolve, e.g. `${file:/secrets/db:user}`;
    unset: the operator reads the database Secret and registers its values."""
    database_password: str | None = Field(None, pattern=CONFIG_PROVIDER_REFERENCE, max_length=512)
    """A config-provider reference to the database password (see databaseUser)."""


class RelaySpec(ApiModel):
    """The built-in relay (`shop run <context>-relay`), one active instance per schema."""

    replicas: int = Field(2, ge=1, le=5)
    """Relay pods per publishing context: one relays (it holds the schema's advisory lock), the
    others stand by and take over within seconds when it goes (ADR 0003)."""
    resources: Resources = Resources()
    """Container resources of each relay."""


class OutboxSpec(ApiModel):
    """How outbox rows reach Kafka."""

    model_config = ConfigDict(
        json_schema_extra=cel(
            (
                "self.mode != 'debezium' || has(self.debezium)",
                "outbox.mode debezium needs outbox.debezium (connectCluster or create)",
            ),
            (
                "self.mode != 'connect-rest' || has(self.connectRest)",
                "outbox.mode connect-rest needs outbox.connectRest (url of the Kafka Connect "
                "REST API)",
            ),
        )
    )

    mode: Literal["debezium", "connect-rest", "relay"] = "relay"
    """`debezium` (Strimzi KafkaConnectors), `connect-rest` (Debezium connectors registered
    through an existing Kafka Connect's REST API) or `relay` (the built-in relay Deployments)."""
    debezium: DebeziumSpec | None = None
    """Debezium settings (mode `debezium`)."""
    connect_rest: ConnectRestSpec | None = None
    """The Kafka Connect REST API (mode `connect-rest`)."""
    relay: RelaySpec = RelaySpec()
    """Built-in relay settings (mode `relay`)."""
