"""Turn pydantic's JSON schema of the API models into a Kubernetes structural schema.

Kubernetes wants every node typed and self-contained: no `$ref`, no `anyOf` for optional
fields, no `title`, no `additionalProperties: false`, and no null defaults.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

JsonSchema = dict[str, Any]
_DROPPED_KEYS = ("title", "$defs")
# Keys first in this order, so that the generated YAML reads top-down.
_KEY_ORDER = (
    "description",
    "type",
    "format",
    "enum",
    "default",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "maxItems",
)


def structural_schema(model: type[BaseModel]) -> JsonSchema:
    """The structural openAPIV3 schema of `model` (aliases as property names)."""
    raw = model.model_json_schema(by_alias=True, mode="validation")
    definitions: dict[str, JsonSchema] = raw.get("$defs", {})
    return _convert(raw, definitions)


def _convert(node: JsonSchema, definitions: dict[str, JsonSchema]) -> JsonSchema:
    node = _resolve(node, definitions)
    out: JsonSchema = {}
    for key, value in node.items():
        if key in _DROPPED_KEYS or (key == "additionalProperties" and value is False):
            continue
        if key == "properties":
            out[key] = {name: _convert(sub, definitions) for name, sub in value.items()}
        elif key == "items" or (key == "additionalProperties" and isinstance(value, dict)):
            out[key] = _convert(value, definitions)
        elif key == "default":
            if value is not None:
                out[key] = _without_nulls(value)
        else:
            out[key] = copy.deepcopy(value)
    if "properties" in out:
        out.setdefault("type", "object")
    return dict(sorted(out.items(), key=_key_rank))


def _key_rank(item: tuple[str, Any]) -> int:
    key = item[0]
    return _KEY_ORDER.index(key) if key in _KEY_ORDER else len(_KEY_ORDER)


def _resolve(node: JsonSchema, definitions: dict[str, JsonSchema]) -> JsonSchema:
    """Inline `$ref`s and collapse `anyOf: [X, null]` (an optional field) into X."""
    if "anyOf" in node:
        variants = [v for v in node["anyOf"] if v.get("type") != "null"]
        if len(variants) != 1:
            raise ValueError(f"cannot express a union in a structural schema: {node}")
        rest = {k: v for k, v in node.items() if k != "anyOf"}
        return _resolve({**_resolve(variants[0], definitions), **rest}, definitions)
    if "$ref" in node:
        target = definitions[node["$ref"].rsplit("/", 1)[-1]]
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return {**_resolve(target, definitions), **rest}
    return node


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value
