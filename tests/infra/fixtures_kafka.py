"""The `kafka` and `kafka_connect` session fixtures: a real KRaft broker and Connect worker."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from localinfra.connect import KafkaConnect
from localinfra.kafka import KafkaBroker
from support.provisioned import provisioned


@pytest.fixture(scope="session")
def kafka(infra_workdir: Path) -> Iterator[KafkaBroker]:
    """A started single-node Kafka broker; `bootstrap_servers` is a 127.0.0.1 address."""
    broker = KafkaBroker(infra_workdir / "kafka")
    provisioned(broker.start)
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def kafka_connect(kafka: KafkaBroker, infra_workdir: Path) -> Iterator[KafkaConnect]:
    """A started Kafka Connect worker on `kafka`, with the Debezium PostgreSQL connector."""
    connect = KafkaConnect(kafka.bootstrap_servers, infra_workdir / "connect")
    provisioned(connect.start)
    try:
        yield connect
    finally:
        connect.close()
