from typing import Any

import yaml

from shopkeeper import constants as c
from shopkeeper.crd import crd, render
from unit.operator.operator_support import REPO

CRD_FILE = REPO / "crds" / "ecommerceplatforms.shopkeeper.dev.yaml"


def _version() -> dict[str, Any]:
    versions: list[dict[str, Any]] = crd()["spec"]["versions"]
    return versions[0]


def _walk(node: dict[str, Any], path: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = [(path, node)]
    for name, child in node.get("properties", {}).items():
        found += _walk(child, f"{path}.{name}")
    if isinstance(node.get("items"), dict):
        found += _walk(node["items"], f"{path}[]")
    return found


def test_committed_crd_is_generated_from_the_models() -> None:
    assert CRD_FILE.read_text() == render(), (
        "crds/ is stale: uv run python -m shopkeeper.crd > " + str(CRD_FILE.relative_to(REPO))
    )


def test_crd_names_and_served_version() -> None:
    spec = crd()["spec"]
    assert crd()["metadata"]["name"] == c.CRD_NAME
    assert spec["group"] == c.GROUP
    assert spec["names"]["shortNames"] == ["ecp"]
    assert _version()["name"] == c.VERSION
    assert _version()["subresources"] == {"status": {}}


def test_printer_columns_show_ready_phase_version_and_age() -> None:
    columns = {col["name"]: col for col in _version()["additionalPrinterColumns"]}
    assert {"Ready", "Phase", "Version", "Age"} <= set(columns)
    assert columns["Version"]["jsonPath"] == ".status.version"


def test_every_schema_node_is_typed_and_nothing_preserves_unknown_fields() -> None:
    root = _version()["schema"]["openAPIV3Schema"]
    for path, node in _walk(root["properties"]["spec"]) + _walk(root["properties"]["status"]):
        assert "type" in node, f"untyped schema node {path}"
        assert "x-kubernetes-preserve-unknown-fields" not in node, path
        assert "$ref" not in node, path
        assert "anyOf" not in node, path


def test_cel_rules_carry_a_message_for_people() -> None:
    root = _version()["schema"]["openAPIV3Schema"]
    rules = [r for _, node in _walk(root) for r in node.get("x-kubernetes-validations", [])]
    assert len(rules) >= 6
    assert all(r["message"] and len(r["message"]) > 20 for r in rules)
    kafka = root["properties"]["spec"]["properties"]["kafka"]
    assert "strimziCluster" in kafka["x-kubernetes-validations"][0]["message"]


def test_spec_requires_image_and_kafka_and_defaults_the_deletion_policy() -> None:
    spec = _version()["schema"]["openAPIV3Schema"]["properties"]["spec"]
    assert set(spec["required"]) == {"image", "kafka"}
    assert spec["properties"]["deletionPolicy"]["default"] == "Retain"
    assert spec["properties"]["deletionPolicy"]["enum"] == ["Retain", "Delete"]


def test_conditions_are_a_list_map_keyed_by_type() -> None:
    status = _version()["schema"]["openAPIV3Schema"]["properties"]["status"]
    conditions = status["properties"]["conditions"]
    assert conditions["x-kubernetes-list-type"] == "map"
    assert conditions["x-kubernetes-list-map-keys"] == ["type"]
    assert "observedGeneration" in conditions["items"]["required"]


def test_rendered_yaml_has_no_anchors() -> None:
    text = render()
    assert "&id" not in text
    assert "*id" not in text
    assert yaml.safe_load(text) == crd()
