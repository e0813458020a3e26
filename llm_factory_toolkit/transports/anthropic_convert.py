"""Chat Completions history and tool definitions, rewritten as Anthropic Messages input.

============================================  ============================================
Chat Completions (the toolkit's transcript)   Anthropic Messages
============================================  ============================================
``system`` / ``developer`` messages           ``system`` text blocks
``user`` text / ``image_url`` parts           ``text`` / ``image`` blocks (URL or base64)
``assistant`` ``thinking_blocks``             ``thinking`` / ``redacted_thinking``, first
``assistant`` text, ``tool_calls[i]``         ``text``, ``tool_use`` blocks
``tool`` message (``is_error`` kept)          ``tool_result`` block in a ``user`` turn
``{"type": "function", "function": ...}``     ``{"name", "description", "input_schema"}``
============================================  ============================================

Consecutive turns of one role are merged (Anthropic wants them alternating), so parallel tool
results travel in one ``user`` turn. Thinking blocks are sent back exactly as received: with
extended thinking on, Anthropic refuses tool results whose assistant turn lost them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from ..core.results import Message
from ..exceptions import ConfigurationError
from .responses_convert import text_of

Block = dict[str, Any]


def system_blocks(messages: list[Message]) -> list[Block]:
    """The system and developer messages as Anthropic ``system`` text blocks."""
    return [
        {"type": "text", "text": text_of(message.get("content"))}
        for message in messages
        if message.get("role") in ("system", "developer")
    ]


def anthropic_messages(messages: list[Message]) -> list[dict[str, Any]]:
    """The conversation turns, roles alternating, consecutive turns of one role merged."""
    turns: list[dict[str, Any]] = []
    for role, blocks in _turns(messages):
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        elif blocks:
            turns.append({"role": role, "content": blocks})
    return turns


def _turns(messages: list[Message]) -> Iterator[tuple[str, list[Block]]]:
    for message in messages:
        role = message.get("role")
        if role in ("system", "developer"):
            continue
        if role == "user":
            yield "user", _user_blocks(message.get("content"))
        elif role == "assistant":
            yield "assistant", _assistant_blocks(message)
        elif role == "tool":
            yield "user", [_tool_result(message)]
        else:
            raise ConfigurationError(
                f"a message with role {role!r} cannot be sent to the Anthropic Messages API"
            )


def _user_blocks(content: Any) -> list[Block]:
    if content is None or isinstance(content, str):
        return [{"type": "text", "text": content or ""}]
    return [_part(part) for part in content]


def _part(part: Any) -> Block:
    kind = part.get("type") if isinstance(part, Mapping) else None
    if kind == "text":
        return {"type": "text", "text": part.get("text") or ""}
    if kind == "image_url":
        image = part.get("image_url")
        url = image.get("url") if isinstance(image, Mapping) else image
        return {"type": "image", "source": _image_source(str(url))}
    return dict(part)  # already an Anthropic block (document, image, ...)


def _image_source(url: str) -> dict[str, str]:
    if not url.startswith("data:"):
        return {"type": "url", "url": url}
    header, _, data = url.partition(",")
    media_type = header.removeprefix("data:").split(";")[0]
    return {"type": "base64", "media_type": media_type, "data": data}


def _assistant_blocks(message: Message) -> list[Block]:
    blocks = [dict(block) for block in message.get("thinking_blocks") or ()]
    text = text_of(message.get("content"))
    if text:
        blocks.append({"type": "text", "text": text})
    for call in message.get("tool_calls") or ():
        function = call.get("function") or {}
        blocks.append(
            {
                "type": "tool_use",
                "id": call.get("id"),
                "name": function.get("name"),
                "input": _arguments(function.get("arguments")),
            }
        )
    return blocks


def _arguments(arguments: Any) -> Any:
    """Tool input as an object; text that is not a JSON object is kept under ``input``."""
    if not arguments:
        return {}
    try:
        value = json.loads(arguments)
    except ValueError:
        return {"input": arguments}
    return value if isinstance(value, dict) else {"input": value}


def _tool_result(message: Message) -> Block:
    block: Block = {
        "type": "tool_result",
        "tool_use_id": str(message.get("tool_call_id") or ""),
        "content": text_of(message.get("content")),
    }
    if message.get("is_error"):
        block["is_error"] = True
    return block


def anthropic_tools(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chat Completions tool definitions as Anthropic tools; others pass through unchanged."""
    return [_tool(tool) for tool in tools]


def _tool(tool: dict[str, Any]) -> dict[str, Any]:
    function = tool.get("function")
    if tool.get("type") != "function" or not isinstance(function, Mapping):
        return tool
    converted = {
        "name": function.get("name"),
        "input_schema": function.get("parameters") or {"type": "object", "properties": {}},
    }
    if function.get("description"):
        converted["description"] = function["description"]
    return converted


def anthropic_tool_choice(choice: Any, parallel: Any) -> dict[str, Any] | None:
    """A Chat Completions ``tool_choice`` (and ``parallel_tool_calls``) in Anthropic's shape."""
    if isinstance(choice, Mapping) and isinstance(choice.get("function"), Mapping):
        converted: dict[str, Any] = {"type": "tool", "name": choice["function"].get("name")}
    elif isinstance(choice, Mapping):
        converted = dict(choice)
    else:
        kinds = {None: "auto", "auto": "auto", "required": "any", "none": "none"}
        converted = {"type": kinds.get(choice, str(choice))}
    if parallel is False and converted["type"] != "none":
        converted["disable_parallel_tool_use"] = True
    return converted if choice is not None or parallel is False else None
