"""OpenAI Chat Completions rendering: ``chat.completion`` JSON, ``chat.completion.chunk`` SSE.

Also owns the OpenAI error body, which the Responses API shares.
"""

from __future__ import annotations

from typing import Any

from llm_factory_toolkit.testing.script import Fail, UsageSpec
from llm_factory_toolkit.testing.wire_common import Reply, pieces, sse

__all__ = ["error_body", "render_json", "render_sse", "usage_json"]

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    409: "conflict_error",
    413: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_exceeded",
}
_ERROR_CODES = {401: "invalid_api_key", 429: "rate_limit_exceeded"}


def error_body(fail: Fail) -> dict[str, Any]:
    """``{"error": {...}}`` as OpenAI sends it; ``error_type`` sets both type and code."""
    default_type = _ERROR_TYPES.get(fail.status, "server_error")
    return {
        "error": {
            "message": fail.message,
            "type": fail.error_type or default_type,
            "param": None,
            "code": fail.error_type or _ERROR_CODES.get(fail.status),
        }
    }


def usage_json(usage: UsageSpec) -> dict[str, Any]:
    """Chat Completions usage, with the detail objects current OpenAI models send."""
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cached_input_tokens, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": usage.reasoning_tokens,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _annotations(reply: Reply) -> list[dict[str, Any]]:
    """Flat Responses-style citations wrapped into the nested Chat Completions shape."""
    wrapped = []
    for note in reply.annotations:
        if "url_citation" in note:
            wrapped.append(note)
            continue
        inner = {k: v for k, v in note.items() if k != "type"}
        wrapped.append({"type": note.get("type", "url_citation"), "url_citation": inner})
    return wrapped


def _finish_reason(reply: Reply) -> str:
    return "tool_calls" if reply.calls else "stop"


def _completion_id(reply: Reply) -> str:
    return f"chatcmpl-loopback{reply.seq}"


def render_json(reply: Reply) -> dict[str, Any]:
    """The complete non-streaming ``chat.completion`` object."""
    message: dict[str, Any] = {
        "role": "assistant",
        "content": reply.text,
        "refusal": None,
        "annotations": _annotations(reply),
    }
    if reply.calls:
        message["tool_calls"] = [
            {
                "id": reply.call_id(i, "call_"),
                "type": "function",
                "function": {"name": spec.name, "arguments": spec.arguments_json},
            }
            for i, spec in enumerate(reply.calls)
        ]
    choice = {
        "index": 0,
        "message": message,
        "logprobs": None,
        "finish_reason": _finish_reason(reply),
    }
    return {
        "id": _completion_id(reply),
        "object": "chat.completion",
        "created": reply.created,
        "model": reply.model,
        "choices": [choice],
        "usage": usage_json(reply.usage),
        "service_tier": "default",
        "system_fingerprint": None,
    }


class _Chunker:
    """Builds ``chat.completion.chunk`` events sharing id, created and model."""

    def __init__(self, reply: Reply) -> None:
        self.base: dict[str, Any] = {
            "id": _completion_id(reply),
            "object": "chat.completion.chunk",
            "created": reply.created,
            "model": reply.model,
            "service_tier": "default",
            "system_fingerprint": None,
        }
        if reply.include_usage:
            # OpenAI sends an explicit null usage on every chunk but the last.
            self.base["usage"] = None

    def delta(self, delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        return sse({**self.base, "choices": [choice]})

    def usage(self, usage: UsageSpec) -> bytes:
        return sse({**self.base, "choices": [], "usage": usage_json(usage)})


def _tool_call_deltas(reply: Reply, index: int) -> list[dict[str, Any]]:
    """The ``delta.tool_calls`` entries for one call: head with id and name, then fragments."""
    spec = reply.calls[index]
    head = {"index": index, "id": reply.call_id(index, "call_"), "type": "function"}
    entries: list[dict[str, Any]] = [{**head, "function": {"name": spec.name, "arguments": ""}}]
    omit = getattr(reply.turn, "omit_ids_after_first_delta", True)
    for piece in pieces(spec.arguments_json, reply.chunk_size):
        if omit:
            entries.append({"index": index, "function": {"arguments": piece}})
        else:
            entries.append({**head, "function": {"name": spec.name, "arguments": piece}})
    return entries


def _deltas(reply: Reply) -> list[dict[str, Any]]:
    """Every delta of the stream before the finishing one, in OpenAI's order."""
    first: dict[str, Any] = {"role": "assistant", "content": None if reply.text is None else ""}
    first["refusal"] = None
    deltas = [first]
    deltas += [{"content": p} for p in pieces(reply.text or "", reply.text_chunk_size)]
    if reply.annotations:
        deltas.append({"annotations": _annotations(reply)})
    calls = [e for i in range(len(reply.calls)) for e in _tool_call_deltas(reply, i)]
    if calls and reply.text is None:
        # Like OpenAI, the first tool call fragment rides on the role delta.
        first["tool_calls"] = [calls.pop(0)]
    deltas += [{"tool_calls": [entry]} for entry in calls]
    return deltas


def render_sse(reply: Reply) -> list[bytes]:
    """The SSE events of a streamed completion, ending with ``data: [DONE]``."""
    chunker = _Chunker(reply)
    events = [chunker.delta(d) for d in _deltas(reply)]
    events.append(chunker.delta({}, _finish_reason(reply)))
    if reply.include_usage:
        events.append(chunker.usage(reply.usage))
    events.append(sse("[DONE]"))
    return events
