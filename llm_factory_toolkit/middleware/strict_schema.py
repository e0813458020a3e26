"""A Pydantic model's JSON schema in the strict form of OpenAI's structured outputs.

Strict mode guarantees that the model's JSON matches the schema, but accepts only a subset of
JSON Schema: every object closed (``additionalProperties: false``), every property required
(optional ones stay nullable, so validation still fills their defaults), and no ``$ref`` with
sibling keys. This is the transformation the openai SDK applies in its ``parse()`` helpers,
done here so that structured output needs no SDK.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The strict JSON schema of ``model``."""
    schema = model.model_json_schema()
    return _strict(schema, copy.deepcopy(schema))


def _strict(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """``node`` made strict; ``root`` resolves ``$ref`` (the schema before any change)."""
    ref = node.get("$ref")
    if isinstance(ref, str) and len(node) > 1:
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        return _strict({**_resolve(root, ref), **siblings}, root)
    for key in ("$defs", "definitions", "properties"):
        if isinstance(node.get(key), dict):
            node[key] = {name: _strict(sub, root) for name, sub in node[key].items()}
    if isinstance(node.get("properties"), dict):
        node["required"] = list(node["properties"])
    if node.get("type") == "object":
        node.setdefault("additionalProperties", False)
    if isinstance(node.get("items"), dict):
        node["items"] = _strict(node["items"], root)
    for key in ("anyOf", "allOf"):
        if isinstance(node.get(key), list):
            node[key] = [_strict(sub, root) for sub in node[key]]
    if isinstance(node.get("allOf"), list) and len(node["allOf"]) == 1:
        node.update(node.pop("allOf")[0])
    if "default" in node and node["default"] is None:
        del node["default"]
    return node


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $ref values can be inlined, got {ref!r}")
    target: Any = root
    for part in ref[2:].split("/"):
        target = target[part]
    return copy.deepcopy(dict(target))
