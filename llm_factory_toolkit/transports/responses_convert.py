"""Chat Completions history and tool definitions, rewritten as Responses API input.

The toolkit keeps every transcript in the Chat Completions shape, whichever route produced
it, so a history can move between routes. This module is the one-way bridge into the
Responses API:

==========================================  ==============================================
Chat Completions                            Responses input
==========================================  ==============================================
``system`` / ``developer`` / ``user``       ``{"role", "content"}`` message (parts below)
``{"type": "text"}`` part                   ``{"type": "input_text"}``
``{"type": "image_url"}`` part              ``{"type": "input_image", "image_url", "detail"}``
``{"type": "file", "file": {...}}`` part    ``{"type": "input_file", ...}``
``assistant`` text                          ``{"role": "assistant", "content": text}``
``assistant`` ``tool_calls[i]``             ``{"type": "function_call", "call_id", ...}``
``assistant`` ``reasoning_items``           the reasoning items, as received, first
``tool`` message                            ``{"type": "function_call_output", ...}``
``{"type": "function", "function": ...}``   ``{"type": "function", "name", ..., "strict"}``
==========================================  ==============================================

Reasoning items go back across tool rounds as the answer gave them (with their
``encrypted_content`` when the request had ``store=False``: see ``responses_request``).
Function-call items are sent without the ``fc_...`` item ids of the answer they came from.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..core.results import Message
from ..exceptions import ConfigurationError, UnsupportedFeatureError
from .responses_schema import is_strict_schema

_PLAIN_ROLES = frozenset({"system", "developer", "user"})


def input_items(messages: list[Message]) -> list[dict[str, Any]]:
    """The Responses ``input`` for a Chat Completions transcript, in order."""
    return [item for message in messages for item in _items_of(message)]


def _items_of(message: Message) -> Iterator[dict[str, Any]]:
    role = message.get("role")
    if role in _PLAIN_ROLES:
        yield {"role": role, "content": _content(message.get("content"))}
    elif role == "assistant":
        yield from _assistant_items(message)
    elif role == "tool":
        yield {
            "type": "function_call_output",
            "call_id": str(message.get("tool_call_id") or ""),
            "output": text_of(message.get("content")),
        }
    else:
        raise ConfigurationError(
            f"a message with role {role!r} cannot be sent to the Responses API"
        )


def _assistant_items(message: Message) -> Iterator[dict[str, Any]]:
    yield from message.get("reasoning_items") or ()
    text = text_of(message.get("content"))
    if text:
        yield {"role": "assistant", "content": text}
    for call in message.get("tool_calls") or ():
        function = call.get("function") or {}
        yield {
            "type": "function_call",
            "call_id": call.get("id"),
            "name": function.get("name"),
            "arguments": function.get("arguments") or "",
        }


def text_of(content: Any) -> str:
    """The text of a message's content, whether a string, a list of parts or None."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "".join(str(part.get("text") or "") for part in content if isinstance(part, Mapping))


def _content(content: Any) -> Any:
    if content is None or isinstance(content, str):
        return content or ""
    return [_part(part) for part in content]


def _part(part: Any) -> Any:
    kind = part.get("type") if isinstance(part, Mapping) else None
    if kind == "text":
        return {"type": "input_text", "text": part.get("text") or ""}
    if kind == "image_url":
        image = part.get("image_url")
        image = image if isinstance(image, Mapping) else {"url": image}
        return {
            "type": "input_image",
            "image_url": image.get("url"),
            "detail": image.get("detail") or "auto",
        }
    if kind == "file":
        return {"type": "input_file", **dict(part.get("file") or {})}
    if kind == "input_audio":
        raise UnsupportedFeatureError(
            "audio input parts are not supported by the OpenAI Responses API"
        )
    return part  # already a Responses part (input_text, input_image, ...)


def function_tools(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chat Completions tool definitions as Responses tools; others pass through unchanged."""
    return [_function_tool(tool) for tool in tools]


def _function_tool(tool: dict[str, Any]) -> dict[str, Any]:
    function = tool.get("function")
    if tool.get("type") != "function" or not isinstance(function, Mapping):
        return tool
    parameters = function.get("parameters") or {"type": "object", "properties": {}}
    strict = function.get("strict")
    converted: dict[str, Any] = {
        "type": "function",
        "name": function.get("name"),
        "parameters": parameters,
        "strict": is_strict_schema(parameters) if strict is None else bool(strict),
    }
    if function.get("description"):
        converted["description"] = function["description"]
    return converted


def tool_choice(choice: Any) -> Any:
    """A Chat Completions ``tool_choice`` naming a function, in the Responses shape."""
    if isinstance(choice, Mapping) and isinstance(choice.get("function"), Mapping):
        return {"type": "function", "name": choice["function"].get("name")}
    return choice


def text_format(response_format: Any) -> dict[str, Any] | None:
    """The Responses ``text`` option for a normalized ``response_format`` (None: plain text)."""
    if response_format is None:
        return None
    kind = response_format.get("type") if isinstance(response_format, Mapping) else None
    if kind == "json_object":
        return {"format": {"type": "json_object"}}
    if kind == "json_schema" and isinstance(response_format.get("json_schema"), Mapping):
        spec = response_format["json_schema"]
        fmt = {"type": "json_schema", "name": spec.get("name") or "response"}
        fmt.update({k: spec[k] for k in ("schema", "strict", "description") if k in spec})
        return {"format": fmt}
    raise ConfigurationError(
        "response_format must be None, {'type': 'json_object'} or {'type': 'json_schema', "
        f"'json_schema': {{...}}}} when it reaches the transport, got {response_format!r}"
    )
