"""NetworkPolicies: every pod of the platform isolated, then only the traffic the shop needs.

NetworkPolicies add up: a pod selected by any policy of a direction takes or sends only what
one of them allows. `<platform>-isolation` selects every pod (processes and the migrations Job)
and lets them reach DNS, the database and Kafka; `<platform>-api-ingress` opens the APIs to the
exposure's controller; notification's lookup of orders gets a pair of its own. Peers named by
host name (not an IP) can only be allowed by port: NetworkPolicy has no names.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from shopkeeper import constants as c
from shopkeeper import kinds, naming
from shopkeeper.api.network import NetworkPeer
from shopkeeper.builders.database import POSTGRES_PORT, database_connection
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.meta import metadata

Rule = dict[str, object]
DNS_PORT = 53
CNPG_CLUSTER_LABEL = "cnpg.io/cluster"
STRIMZI_CLUSTER_LABEL = "strimzi.io/cluster"
API = {c.ROLE_LABEL: "api"}
WEB = {c.ROLE_LABEL: "web"}
ORDERING_API = {c.CONTEXT_LABEL: "ordering", c.ROLE_LABEL: "api"}
NOTIFICATION = {c.CONTEXT_LABEL: "notification"}


def tcp(port: int | str) -> dict[str, object]:
    return {"protocol": "TCP", "port": port}


def endpoint_rule(host: str, port: int) -> Rule:
    """Egress to `host:port`: the one address if `host` is an IP, else the port anywhere."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return {"ports": [tcp(port)]}
    prefix = 32 if address.version == 4 else 128
    return {"to": [{"ipBlock": {"cidr": f"{address}/{prefix}"}}], "ports": [tcp(port)]}


def url_rule(url: str) -> Rule:
    parts = urlsplit(url)
    return endpoint_rule(
        parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    )


def pods(labels: dict[str, str]) -> dict[str, object]:
    """A peer: pods of the platform's namespace with `labels`."""
    return {"podSelector": {"matchLabels": labels}}


def database_egress(inp: BuildInput) -> Rule:
    if inp.spec.database.mode == "cnpg":
        cluster = naming.pg_cluster(inp.name)
        return {"to": [pods({CNPG_CLUSTER_LABEL: cluster})], "ports": [tcp(POSTGRES_PORT)]}
    connection = database_connection(inp)
    return endpoint_rule(connection.host, connection.port)


def kafka_egress(inp: BuildInput) -> list[Rule]:
    kafka = inp.spec.kafka
    if not kafka.bootstrap_servers and kafka.strimzi_cluster:
        brokers = pods({STRIMZI_CLUSTER_LABEL: kafka.strimzi_cluster})
        return [{"to": [brokers], "ports": [tcp(kafka.listener_port)]}]
    rules = []
    for server in kafka.bootstrap.split(","):
        host, _, port = server.strip().rpartition(":")
        rules.append(endpoint_rule(host.strip("[]"), int(port)))
    return rules


def platform_egress(inp: BuildInput) -> list[Rule]:
    """What every pod may reach: DNS, the database, Kafka, the OTLP collector."""
    dns: Rule = {"ports": [{"protocol": "UDP", "port": DNS_PORT}, tcp(DNS_PORT)]}
    rules = [dns, database_egress(inp), *kafka_egress(inp)]
    if inp.spec.observability.otlp_endpoint:
        rules.append(url_rule(inp.spec.observability.otlp_endpoint))
    return rules


def notification_egress(inp: BuildInput) -> list[Rule]:
    """Notification's lookups of orders and its channel (SMTP server or webhook)."""
    spec = inp.spec.services.notification
    lookup: Rule = {"to": [pods(ORDERING_API)], "ports": [tcp(c.HTTP_PORT_NAME)]}
    rules: list[Rule] = [url_rule(spec.ordering_url)] if spec.ordering_url else [lookup]
    if spec.channel == "smtp" and spec.smtp is not None:
        rules.append(endpoint_rule(spec.smtp.host, spec.smtp.port))
    if spec.channel == "webhook" and spec.webhook is not None:
        if spec.webhook.url:
            rules.append(url_rule(spec.webhook.url))
        else:  # the URL is in a Secret the operator never reads
            rules.append({"ports": [tcp(443), tcp(80)]})
    return rules


def _peers(peers: list[NetworkPeer]) -> list[dict[str, object]]:
    return [peer.manifest() for peer in peers]


def _policy(inp: BuildInput, suffix: str, pods: dict[str, str], spec: Rule) -> Manifest:
    selector = {"matchLabels": {c.INSTANCE_LABEL: inp.name, **pods}}
    return {
        "apiVersion": kinds.NETWORK_POLICY.api_version,
        "kind": kinds.NETWORK_POLICY.kind,
        "metadata": metadata(
            inp, kinds.NETWORK_POLICY, f"{inp.name}-{suffix}", component="network-policy"
        ),
        "spec": {"podSelector": selector, **spec},
    }


def build_network_policies(inp: BuildInput) -> list[Manifest]:
    """The platform's NetworkPolicies, when enabled."""
    settings = inp.spec.network_policy
    if not settings.enabled:
        return []
    http = [tcp(c.HTTP_PORT_NAME)]
    metrics = [{"from": _peers(settings.metrics_from), "ports": http}]
    policies = [
        _policy(
            inp,
            "isolation",
            {},
            {
                "policyTypes": ["Ingress", "Egress"],
                "ingress": metrics if settings.metrics_from else [],
                "egress": platform_egress(inp),
            },
        ),
        _policy(
            inp,
            "notification-egress",
            NOTIFICATION,
            {"policyTypes": ["Egress"], "egress": notification_egress(inp)},
        ),
    ]
    if settings.api_ingress_from:
        exposure = [{"from": _peers(settings.api_ingress_from), "ports": http}]
        policies.append(
            _policy(inp, "api-ingress", API, {"policyTypes": ["Ingress"], "ingress": exposure})
        )
        if inp.spec.web.enabled:
            policies.append(
                _policy(inp, "web-ingress", WEB, {"policyTypes": ["Ingress"], "ingress": exposure})
            )
    if not inp.spec.services.notification.ordering_url:
        lookups = [{"from": [pods({c.INSTANCE_LABEL: inp.name, **NOTIFICATION})], "ports": http}]
        policies.append(
            _policy(
                inp, "order-lookup", ORDERING_API, {"policyTypes": ["Ingress"], "ingress": lookups}
            )
        )
    return policies
