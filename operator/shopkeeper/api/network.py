"""Which traffic the platform's pods may send and receive (the NetworkPolicies it writes)."""

from __future__ import annotations

from typing import Self

from pydantic import ConfigDict, Field, model_validator

from shopkeeper.api.base import ApiModel, Labels, cel

CIDR_PATTERN = r"^[0-9a-fA-F:.]+/[0-9]{1,3}$"
PEER_RULE = (
    "has(self.ipBlock) != (has(self.namespaceSelector) || has(self.podSelector))",
    "a network peer is either an ipBlock or namespace/pod selectors",
)


class LabelSelector(ApiModel):
    """Objects carrying every one of these labels (empty: all)."""

    match_labels: Labels = Field(default_factory=dict)
    """Label keys and values, all required."""


class IpBlock(ApiModel):
    """An address range."""

    cidr: str = Field(pattern=CIDR_PATTERN, max_length=64)
    """e.g. `10.88.0.1/32`."""


class NetworkPeer(ApiModel):
    """Where allowed traffic comes from: pods (by namespace and pod labels) or addresses."""

    model_config = ConfigDict(json_schema_extra=cel(PEER_RULE))

    namespace_selector: LabelSelector | None = None
    """Namespaces by label (with podSelector: those pods in them)."""
    pod_selector: LabelSelector | None = None
    """Pods by label (without namespaceSelector: in the platform's namespace)."""
    ip_block: IpBlock | None = None
    """Addresses, e.g. a node running the exposure's controller on its host network."""

    @model_validator(mode="after")
    def _addresses_or_selectors(self) -> Self:
        if (self.ip_block is None) == (
            self.namespace_selector is None and self.pod_selector is None
        ):
            raise ValueError(PEER_RULE[1])
        return self

    def manifest(self) -> dict[str, object]:
        """The NetworkPolicyPeer."""
        dumped: dict[str, object] = self.model_dump(by_alias=True, exclude_none=True)
        return dumped


class NetworkPolicySpec(ApiModel):
    """NetworkPolicies: every pod of the platform denies what is not listed here.

    APIs and the web app take traffic only from `apiIngressFrom` (the exposure's controller),
    APIs also from the platform's own callers; workers, relays and the migrations Job take
    none; egress goes only to the database, Kafka, DNS and the endpoints the spec names (OTLP,
    SMTP, webhook).
    Enforced only where the cluster's network plugin implements NetworkPolicy.
    """

    enabled: bool = False
    """Write the NetworkPolicies."""
    api_ingress_from: list[NetworkPeer] = Field(default_factory=list, max_length=16)
    """Who reaches the APIs and the web app: the exposure's Ingress or Gateway controller."""
    metrics_from: list[NetworkPeer] = Field(default_factory=list, max_length=16)
    """Who scrapes `/metrics` of every process (e.g. Prometheus' namespace)."""
