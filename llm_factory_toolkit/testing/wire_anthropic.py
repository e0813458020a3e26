"""Anthropic Messages rendering: the ``message`` object and its SSE event stream."""

from __future__ import annotations

import json
from typing import Any

from llm_factory_toolkit.testing.script import Fail, UsageSpec
from llm_factory_toolkit.testing.wire_common import Reply, pieces, sse

__all__ = ["error_body", "render_json", "render_sse", "usage_json"]

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    504: "timeout_error",
    529: "overloaded_error",
}


def error_body(fail: Fail) -> dict[str, Any]:
    """``{"type": "error", "error": {...}}`` as Anthropic sends it."""
    kind = fail.error_type or _ERROR_TYPES.get(fail.status, "api_error")
    return {"type": "error", "error": {"type": kind, "message": fail.message}}


def usage_json(usage: UsageSpec, output_tokens: int | None = None) -> dict[str, Any]:
    """Anthropic usage: ``input_tokens`` excludes cache reads and writes, reported apart."""
    fresh = usage.input_tokens - usage.cached_input_tokens - usage.cache_write_input_tokens
    return {
        "input_tokens": fresh,
        "cache_creation_input_tokens": usage.cache_write_input_tokens,
        "cache_read_input_tokens": usage.cached_input_tokens,
        "output_tokens": usage.output_tokens if output_tokens is None else output_tokens,
        "service_tier": "standard",
    }


def _input(arguments: str) -> Any:
    """Tool input as an object; unparseable scripted arguments pass through as the raw string."""
    try:
        return json.loads(arguments)
    except ValueError:
        return arguments


def _stop_reason(reply: Reply) -> str:
    return "tool_use" if reply.calls else "end_turn"


def _message(
    reply: Reply, content: list[dict[str, Any]], usage: dict[str, Any], stop_reason: str | None
) -> dict[str, Any]:
    return {
        "id": f"msg_loopback{reply.seq}",
        "type": "message",
        "role": "assistant",
        "model": reply.model,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": usage,
    }


def render_json(reply: Reply) -> dict[str, Any]:
    """The complete non-streaming ``message`` object."""
    content: list[dict[str, Any]] = list(reply.thinking_blocks)
    if reply.text is not None:
        content.append({"type": "text", "text": reply.text})
    for i, spec in enumerate(reply.calls):
        block = {"type": "tool_use", "id": reply.call_id(i, "toolu_"), "name": spec.name}
        content.append({**block, "input": _input(spec.arguments_json)})
    return _message(reply, content, usage_json(reply.usage), _stop_reason(reply))


def _block(index: int, start: dict[str, Any], deltas: list[dict[str, Any]]) -> list[bytes]:
    """One content block: start, its deltas, stop."""
    events = [
        sse(
            {"type": "content_block_start", "index": index, "content_block": start},
            event="content_block_start",
        )
    ]
    for delta in deltas:
        event = {"type": "content_block_delta", "index": index, "delta": delta}
        events.append(sse(event, event="content_block_delta"))
    events.append(sse({"type": "content_block_stop", "index": index}, event="content_block_stop"))
    return events


def _blocks(reply: Reply) -> list[list[bytes]]:
    """Every content block's events: thinking, text, then one per tool call."""
    blocks = [_thinking_block(n, block) for n, block in enumerate(reply.thinking_blocks)]
    if reply.text is not None:
        texts = pieces(reply.text, reply.text_chunk_size)
        deltas = [{"type": "text_delta", "text": t} for t in texts]
        blocks.append(_block(len(blocks), {"type": "text", "text": ""}, deltas))
    for i, spec in enumerate(reply.calls):
        start = {
            "type": "tool_use",
            "id": reply.call_id(i, "toolu_"),
            "name": spec.name,
            "input": {},
        }
        parts = ["", *pieces(spec.arguments_json, reply.chunk_size)]
        deltas = [{"type": "input_json_delta", "partial_json": p} for p in parts]
        blocks.append(_block(len(blocks), start, deltas))
    return blocks


def _thinking_block(index: int, block: dict[str, Any]) -> list[bytes]:
    """A thinking block streams its text, then its signature; a redacted one comes whole."""
    if block["type"] == "redacted_thinking":
        return _block(index, block, [])
    deltas = [{"type": "thinking_delta", "thinking": t} for t in pieces(block["thinking"], 8)]
    deltas.append({"type": "signature_delta", "signature": block["signature"]})
    return _block(index, {"type": "thinking", "thinking": "", "signature": ""}, deltas)


def render_sse(reply: Reply) -> list[bytes]:
    """message_start, the blocks (with a ping after the first start), message_delta, stop."""
    start = _message(reply, [], usage_json(reply.usage, output_tokens=1), None)
    events = [sse({"type": "message_start", "message": start}, event="message_start")]
    for n, block in enumerate(_blocks(reply)):
        events.append(block[0])
        if n == 0:
            events.append(sse({"type": "ping"}, event="ping"))
        events.extend(block[1:])
    delta = {"stop_reason": _stop_reason(reply), "stop_sequence": None}
    usage = {"output_tokens": reply.usage.output_tokens}
    events.append(
        sse({"type": "message_delta", "delta": delta, "usage": usage}, event="message_delta")
    )
    events.append(sse({"type": "message_stop"}, event="message_stop"))
    return events
