"""Outbox mode `connect-rest`: the connector configs the operator registers through Connect's API.

Pure, like every builder: the credentials come in resolved (config-provider references from the
spec, or the database Secret's values read by the operator).
"""

from __future__ import annotations

from shopkeeper import naming
from shopkeeper.api.messaging import ConnectRestSpec
from shopkeeper.builders.connect import connector_config
from shopkeeper.builders.database import database_connection
from shopkeeper.builders.inputs import BuildInput
from shopkeeper.topics import publishing_contexts

ConnectorConfigs = dict[str, dict[str, str]]
"""Connector name -> its complete Connect config (including `name`)."""


def rest_settings(inp: BuildInput) -> ConnectRestSpec | None:
    """The REST API settings, or None outside the `connect-rest` mode."""
    outbox = inp.spec.outbox
    return outbox.connect_rest if outbox.mode == "connect-rest" else None


def rest_connector_name(inp: BuildInput, context: str) -> str:
    """`<namespace>-<platform>-<context>-outbox`: one Connect cluster may serve many namespaces."""
    return f"{inp.namespace}-{naming.kafka_connector(inp.name, context)}"


def rest_database_address(inp: BuildInput, rest: ConnectRestSpec) -> tuple[str, int]:
    """The database as the Connect workers reach it (they may run outside the namespace)."""
    db = database_connection(inp)
    host = db.host if inp.spec.database.mode == "external" else f"{db.host}.{inp.namespace}.svc"
    return rest.database_host or host, rest.database_port or db.port


def rest_connector_configs(inp: BuildInput, credentials: tuple[str, str]) -> ConnectorConfigs:
    """One Debezium outbox connector per publishing context (none outside the mode)."""
    rest = rest_settings(inp)
    if rest is None:
        return {}
    host, port = rest_database_address(inp, rest)
    configs: ConnectorConfigs = {}
    for context in publishing_contexts():
        name = rest_connector_name(inp, context)
        configs[name] = connector_config(
            inp, context, name=name, credentials=credentials, host=host, port=port
        )
    return configs
