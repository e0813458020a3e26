"""Whether a JSON schema already meets OpenAI's strict-mode rules, as it stands.

A function tool is sent with ``strict: true`` only when its schema qualifies: the root is an
object, every object lists all of its properties in ``required`` and sets
``additionalProperties: false``, and no keyword strict mode rejects appears. The schema is
never rewritten to qualify: making optional parameters required-but-nullable would change
what the tool receives, so a schema that does not qualify is sent with ``strict: false``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

_REJECTED = frozenset(
    {
        "allOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "patternProperties",
        "dependentRequired",
        "dependentSchemas",
        "unevaluatedProperties",
        "propertyNames",
    }
)


def is_strict_schema(schema: Any) -> bool:
    """True when ``schema`` can be sent with ``strict: true`` unchanged."""
    return isinstance(schema, Mapping) and schema.get("type") == "object" and _strict(schema)


def _strict(node: Any) -> bool:
    if not isinstance(node, Mapping) or _REJECTED & node.keys():
        return False
    if _is_object(node) and not _closed_object(node):
        return False
    return all(_strict(child) for child in _children(node))


def _is_object(node: Mapping[str, Any]) -> bool:
    kind = node.get("type")
    return kind == "object" or (isinstance(kind, list) and "object" in kind) or "properties" in node


def _closed_object(node: Mapping[str, Any]) -> bool:
    properties = node.get("properties") or {}
    required = node.get("required") or []
    return node.get("additionalProperties") is False and set(required) == set(properties)


def _children(node: Mapping[str, Any]) -> Iterator[Any]:
    for key in ("properties", "$defs", "definitions"):
        yield from (node.get(key) or {}).values()
    items = node.get("items")
    if isinstance(items, Mapping):
        yield items
    yield from node.get("anyOf") or ()
