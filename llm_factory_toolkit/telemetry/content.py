"""Opt-in content for spans: messages, tool definitions, tool arguments and results.

Rendered as the GenAI conventions' JSON (``gen_ai.input.messages`` and friends: messages made of
``text`` / ``tool_call`` / ``tool_call_response`` parts). Only what the model exchanged is
rendered: the transcript, the model's own tool-call arguments, the tool's result content.
Values injected into tools never are, because they are never part of those.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import semconv as sc
from .attributes import Attributes

if TYPE_CHECKING:
    from ..core.calls import ModelCall, ModelResponse, ToolCall
    from ..core.results import Message, ToolExecutionResult


def request_content(call: ModelCall) -> Attributes:
    """System instructions, input messages and offered tool definitions of a model call."""
    system = [m for m in call.messages if m.get("role") in ("system", "developer")]
    others = [m for m in call.messages if m.get("role") not in ("system", "developer")]
    attributes: Attributes = {sc.INPUT_MESSAGES: _dumps([_message(m) for m in others])}
    if system:
        attributes[sc.SYSTEM_INSTRUCTIONS] = _dumps([p for m in system for p in _parts(m)])
    if call.tools:
        attributes[sc.TOOL_DEFINITIONS] = _dumps(call.tools)
    return attributes


def response_content(response: ModelResponse) -> Attributes:
    """The model's answer as ``gen_ai.output.messages``."""
    message = _message(response.message)
    if response.finish_reason:
        message["finish_reason"] = response.finish_reason
    return {sc.OUTPUT_MESSAGES: _dumps([message])}


def tool_arguments(call: ToolCall) -> Attributes:
    """The arguments exactly as the model wrote them (injected parameters are not in them)."""
    return {sc.TOOL_CALL_ARGUMENTS: call.arguments}


def tool_result(result: ToolExecutionResult) -> Attributes:
    """The content the model will read; the payload stays with the application."""
    return {sc.TOOL_CALL_RESULT: result.content}


def _message(message: Message) -> dict[str, Any]:
    return {"role": message.get("role", "user"), "parts": _parts(message)}


def _parts(message: Message) -> list[dict[str, Any]]:
    if message.get("role") == "tool":
        return [
            {
                "type": "tool_call_response",
                "id": message.get("tool_call_id"),
                "response": message.get("content"),
            }
        ]
    parts = list(_content_parts(message.get("content")))
    parts.extend(_tool_call_part(call) for call in message.get("tool_calls") or ())
    return parts


def _content_parts(content: Any) -> Iterable[dict[str, Any]]:
    if isinstance(content, str):
        yield {"type": "text", "content": content}
    elif isinstance(content, list):
        for part in content:
            if isinstance(part, dict) and part.get("type") == "text":
                yield {"type": "text", "content": part.get("text", "")}
            elif isinstance(part, dict):
                yield {"type": str(part.get("type", "unknown"))}


def _tool_call_part(call: dict[str, Any]) -> dict[str, Any]:
    function = call.get("function") or {}
    return {
        "type": "tool_call",
        "id": call.get("id"),
        "name": function.get("name"),
        "arguments": _arguments(function.get("arguments")),
    }


def _arguments(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text) if text.strip() else {}
    except ValueError:
        return text


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
