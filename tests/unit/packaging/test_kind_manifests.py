"""k8s/kind installs the versions the tests validate against and the Debezium the project pins."""

from __future__ import annotations

import re

import yaml

from localinfra.paths import REPO_ROOT
from localinfra.versions import versions

KIND = REPO_ROOT / "k8s" / "kind"


def script_pin(name: str) -> str:
    found = re.search(rf"^{name}=(\S+)$", (KIND / "operators.sh").read_text(), re.MULTILINE)
    assert found, f"operators.sh pins no {name}"
    return found.group(1)


def test_the_operators_installed_are_the_ones_whose_crds_the_tests_use() -> None:
    assert script_pin("STRIMZI_VERSION") == versions().strimzi
    assert script_pin("CNPG_VERSION") == versions().cnpg


def test_kafka_connect_builds_the_pinned_debezium() -> None:
    documents = yaml.safe_load_all((KIND / "infra" / "kafka-connect.yaml").read_text())
    (connect,) = [doc for doc in documents if doc and doc["kind"] == "KafkaConnect"]
    build = connect["spec"]["build"]
    artifacts = [a for plugin in build["plugins"] for a in plugin["artifacts"]]
    assert {a["version"] for a in artifacts} == {versions().debezium}
    assert build["output"]["image"].endswith(f":{versions().debezium}")
