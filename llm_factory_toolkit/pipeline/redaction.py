"""Redaction: no value injected from ``tool_execution_context`` is shown to a model or observer.

Tools receive the context's values; anything they write may quote them: a result, an
exception message, a traceback. Before such text reaches the model, an event, a span or a log,
every rendering of every injected value is blanked out: strings (raw, JSON-escaped, ``repr``-
escaped), numbers, and the leaves of nested containers, dataclasses and Pydantic models.
Renderings shorter than ``MIN_LENGTH`` characters (``True``, ``7``) are left alone: blanking
them would garble every message while hiding nothing secret.
"""

from __future__ import annotations

import dataclasses
import json
import traceback
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..tools.models import ToolExecutionResult

REDACTED = "[redacted]"
MIN_LENGTH = 4
_MAX_DEPTH = 8


def redact(text: str, context: Mapping[str, Any]) -> str:
    """``text`` with every rendering of the context's values replaced by ``[redacted]``."""
    if not context:
        return text
    for form in secret_forms(context):
        if form in text:
            text = text.replace(form, REDACTED)
    return text


def redact_result(result: ToolExecutionResult, context: Mapping[str, Any]) -> ToolExecutionResult:
    """The result with its content and error redacted; the payload (the caller's) untouched."""
    if not context:
        return result
    content = redact(result.content, context)
    error = redact(result.error, context) if result.error is not None else None
    if (content, error) == (result.content, result.error):
        return result
    return dataclasses.replace(result, content=content, error=error)


def redacted_traceback(exc: BaseException, context: Mapping[str, Any]) -> str:
    """``exc``'s traceback as text, redacted: logs carry this, never ``exc_info``."""
    return redact("".join(traceback.format_exception(exc)), context)


def secret_forms(context: Mapping[str, Any]) -> list[str]:
    """Every way the context's values may be written out, longest first."""
    forms = {
        form for value in context.values() for leaf in _leaves(value, 0) for form in _forms(leaf)
    }
    return sorted((form for form in forms if len(form) >= MIN_LENGTH), key=len, reverse=True)


def _leaves(value: Any, depth: int) -> Iterator[Any]:
    """The scalar values inside ``value`` (itself when it is one)."""
    if depth > _MAX_DEPTH or value is None or isinstance(value, bool):
        return
    if isinstance(value, str | bytes | int | float):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _leaves(item, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _leaves(item, depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _leaves(getattr(value, item.name), depth + 1)
    elif callable(getattr(value, "model_dump", None)) and not isinstance(value, type):
        yield from _leaves(value.model_dump(), depth + 1)
    else:
        yield str(value)


def _forms(leaf: str | bytes | int | float) -> set[str]:
    if isinstance(leaf, bytes):
        return {repr(leaf)[2:-1], leaf.decode("utf-8", "replace")}
    if not isinstance(leaf, str):
        return {str(leaf), repr(leaf)}
    return {
        leaf,
        json.dumps(leaf, ensure_ascii=False)[1:-1],
        json.dumps(leaf)[1:-1],
        repr(leaf)[1:-1],
    }
