from typing import Any

import pytest

from shop.common.debezium import (
    STRIMZI_SPEC_KEYS,
    default_connector_name,
    outbox_connector_config,
    replication_names,
)
from shop.common.headers import EVENT_ID_HEADER, EVENT_TYPE_HEADER

BASE: dict[str, Any] = {
    "schema": "ordering",
    "database_host": "db.example",
    "database_port": 5432,
    "database_name": "shop",
    "database_user": "debezium",
    "database_password": "${secrets:shop/db:password}",
}


def test_config_routes_outbox_rows_by_topic_column_with_expanded_payload() -> None:
    config = outbox_connector_config(**BASE)
    assert config["connector.class"] == "io.debezium.connector.postgresql.PostgresConnector"
    assert config["plugin.name"] == "pgoutput"
    assert config["table.include.list"] == "ordering.outbox"
    assert config["transforms"] == "outbox"
    assert config["transforms.outbox.type"] == "io.debezium.transforms.outbox.EventRouter"
    assert config["transforms.outbox.route.by.field"] == "topic"
    assert config["transforms.outbox.route.topic.replacement"] == "${routedByValue}"
    assert config["transforms.outbox.table.expand.json.payload"] == "true"
    assert config["transforms.outbox.table.field.event.key"] == "aggregateid"


def test_each_schema_gets_its_own_slot_and_filtered_publication() -> None:
    ordering = outbox_connector_config(**BASE)
    catalog = outbox_connector_config(**{**BASE, "schema": "catalog"})
    assert ordering["slot.name"] != catalog["slot.name"]
    assert ordering["publication.name"] == replication_names("ordering")
    assert ordering["publication.autocreate.mode"] == "filtered"
    assert ordering["topic.prefix"] != catalog["topic.prefix"]


def test_headers_carry_event_id_and_type_under_the_relay_names() -> None:
    config = outbox_connector_config(**BASE)
    placement = config["transforms.outbox.table.fields.additional.placement"]
    assert f"type:header:{EVENT_TYPE_HEADER}" in placement.split(",")
    assert f"id:header:{EVENT_ID_HEADER}" in placement.split(",")


def test_converters_write_string_keys_and_schemaless_json_values() -> None:
    config = outbox_connector_config(**BASE)
    assert config["key.converter"] == "org.apache.kafka.connect.storage.StringConverter"
    assert config["value.converter"] == "org.apache.kafka.connect.json.JsonConverter"
    assert config["value.converter.schemas.enable"] == "false"
    assert config["transforms.outbox.tracing.span.context.field"] == "tracingspancontext"


def test_all_values_are_strings_and_the_password_passes_through() -> None:
    config = outbox_connector_config(**BASE)
    assert all(isinstance(value, str) for value in config.values())
    assert config["database.password"] == BASE["database_password"]
    assert config["database.port"] == "5432"
    assert set(STRIMZI_SPEC_KEYS) <= set(config)


def test_connector_name_defaults_to_a_kubernetes_name() -> None:
    assert default_connector_name("order_history") == "order-history-outbox"
    assert outbox_connector_config(**BASE)["name"] == "ordering-outbox"
    assert outbox_connector_config(**BASE, connector_name="x-1")["name"] == "x-1"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"schema": "Bad-Schema"}, "schema"),
        ({"schema": ""}, "schema"),
        ({"database_port": 0}, "port"),
        ({"database_port": 70000}, "port"),
        ({"database_host": " "}, "database_host"),
        ({"database_user": ""}, "database_user"),
        ({"connector_name": "Not_Valid"}, "connector name"),
        ({"topic_prefix": "a b"}, "topic_prefix"),
    ],
)
def test_invalid_input_is_refused_with_a_clear_error(
    override: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        outbox_connector_config(**{**BASE, **override})


def test_latency_settings_default_to_a_short_poll_and_no_producer_linger() -> None:
    config = outbox_connector_config(**BASE)
    assert config["poll.interval.ms"] == "10"
    assert config["max.batch.size"] == "2048"
    assert config["max.queue.size"] == "8192"
    assert config["producer.override.linger.ms"] == "0"
    assert "producer.override.linger.ms" not in outbox_connector_config(
        **BASE, producer_linger_ms=None
    )


def test_latency_settings_are_keyword_arguments() -> None:
    config = outbox_connector_config(
        **BASE,
        poll_interval_ms=50,
        max_batch_size=512,
        max_queue_size=4096,
        producer_linger_ms=5,
    )
    assert config["poll.interval.ms"] == "50"
    assert config["max.batch.size"] == "512"
    assert config["max.queue.size"] == "4096"
    assert config["producer.override.linger.ms"] == "5"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"poll_interval_ms": 0}, "poll_interval_ms"),
        ({"max_batch_size": 0}, "max_batch_size"),
        ({"max_batch_size": 8192, "max_queue_size": 8192}, "larger than max_batch_size"),
        ({"producer_linger_ms": -1}, "producer_linger_ms"),
    ],
)
def test_invalid_latency_settings_are_refused(override: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        outbox_connector_config(**{**BASE, **override})
