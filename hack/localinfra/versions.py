"""The pinned versions of `hack/versions.env`."""

from dataclasses import dataclass
from functools import cache

from localinfra.paths import REPO_ROOT

VERSIONS_FILE = REPO_ROOT / "hack" / "versions.env"


@dataclass(frozen=True)
class Versions:
    """Pinned upstream versions."""

    postgres_major: str
    kafka: str
    debezium: str
    kubernetes: str
    etcd: str
    helm: str
    slf4j: str
    strimzi: str
    cnpg: str
    prometheus_operator: str
    keda: str
    gateway_api: str
    traefik: str
    dex: str


def parse_env_file(text: str) -> dict[str, str]:
    """Parse `KEY=value` lines, ignoring blanks and comments."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"{VERSIONS_FILE}: not KEY=value: {raw!r}")
        values[key.strip()] = value.strip()
    return values


@cache
def versions() -> Versions:
    """Read the pins once per process."""
    env = parse_env_file(VERSIONS_FILE.read_text())
    return Versions(
        postgres_major=env["POSTGRES_MAJOR"],
        kafka=env["KAFKA_VERSION"],
        debezium=env["DEBEZIUM_VERSION"],
        kubernetes=env["KUBERNETES_VERSION"],
        etcd=env["ETCD_VERSION"],
        helm=env["HELM_VERSION"],
        slf4j=env["SLF4J_VERSION"],
        strimzi=env["STRIMZI_VERSION"],
        cnpg=env["CNPG_VERSION"],
        prometheus_operator=env["PROMETHEUS_OPERATOR_VERSION"],
        keda=env["KEDA_VERSION"],
        gateway_api=env["GATEWAY_API_VERSION"],
        traefik=env["TRAEFIK_VERSION"],
        dex=env["DEX_VERSION"],
    )


@cache
def pins() -> dict[str, str]:
    """Every `KEY=value` of hack/versions.env (for pins no dataclass field names)."""
    return parse_env_file(VERSIONS_FILE.read_text())
