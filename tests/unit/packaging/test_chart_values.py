"""values.yaml and values.schema.json of the chart: documented, strict, and in step."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from localinfra.paths import REPO_ROOT

CHART = REPO_ROOT / "charts" / "shopkeeper"
KEY_LINE = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z][\w.-]*):")


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((CHART / "values.schema.json").read_text())
    return loaded


def object_schemas(node: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema node that declares `properties`, with its dotted path."""
    if "properties" in node:
        yield path or "<root>", node
        for name, child in node["properties"].items():
            yield from object_schemas(child, f"{path}.{name}".lstrip("."))
    items = node.get("items")
    if isinstance(items, dict):
        yield from object_schemas(items, f"{path}[]")


def declared_keys(node: dict[str, Any], path: str = "") -> Iterator[str]:
    """Dotted paths of every key the schema declares (the chart's own keys)."""
    for name, child in node.get("properties", {}).items():
        dotted = f"{path}.{name}".lstrip(".")
        yield dotted
        yield from declared_keys(child, dotted)


def commented_keys(text: str) -> dict[str, bool]:
    """Dotted path of each mapping key in values.yaml -> whether a comment line precedes it."""
    result: dict[str, bool] = {}
    stack: list[tuple[int, str]] = []
    previous = ""
    for line in text.splitlines():
        match = KEY_LINE.match(line)
        if match:
            indent = len(match["indent"])
            while stack and stack[-1][0] >= indent:
                stack.pop()
            dotted = ".".join([*(key for _, key in stack), match["key"]])
            result[dotted] = previous.lstrip().startswith("#")
            stack.append((indent, match["key"]))
        if line.strip():
            previous = line
    return result


def test_values_yaml_points_editors_at_the_schema() -> None:
    first = (CHART / "values.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=values.schema.json"


def test_the_schema_is_draft_07() -> None:
    assert schema()["$schema"] == "http://json-schema.org/draft-07/schema#"


@pytest.mark.parametrize(("path", "node"), list(object_schemas(schema())))
def test_every_object_of_the_schema_refuses_unknown_keys(path: str, node: dict[str, Any]) -> None:
    assert node.get("additionalProperties") is False, path


def test_every_property_of_the_schema_is_described() -> None:
    undescribed = [
        f"{path}.{name}"
        for path, node in object_schemas(schema())
        for name, child in node["properties"].items()
        if not str(child.get("description", "")).strip()
    ]
    assert not undescribed


def test_every_key_of_values_yaml_is_declared_by_the_schema_and_commented() -> None:
    keys = commented_keys((CHART / "values.yaml").read_text())
    declared = set(declared_keys(schema()))
    chart_keys = {key: commented for key, commented in keys.items() if key in declared}
    assert not [key for key, commented in chart_keys.items() if not commented]
    top_level = {key for key in keys if "." not in key}
    assert top_level <= declared


def test_every_declared_key_has_a_default_in_values_yaml() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    missing = []
    for dotted in declared_keys(schema()):
        if dotted == "global":
            continue
        node: Any = values
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                missing.append(dotted)
                break
            node = node[part]
    assert not missing


def test_ci_scenarios_exist_for_the_documented_cases() -> None:
    scenarios = {path.name for path in (CHART / "ci").glob("*-values.yaml")}
    assert {
        "default-values.yaml",
        "with-platform-values.yaml",
        "monitoring-off-values.yaml",
    } <= scenarios


def test_ci_scenarios_use_only_declared_top_level_keys() -> None:
    declared = set(schema()["properties"])
    for path in sorted((CHART / "ci").glob("*-values.yaml")):
        values = yaml.safe_load(path.read_text()) or {}
        assert set(values) <= declared, Path(path).name
