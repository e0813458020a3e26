"""OpenAI Responses API rendering: the ``response`` object and its typed SSE event stream."""

from __future__ import annotations

from typing import Any

from llm_factory_toolkit.testing.script import UsageSpec
from llm_factory_toolkit.testing.wire_chat import error_body
from llm_factory_toolkit.testing.wire_common import Reply, pieces, sse

__all__ = ["error_body", "render_json", "render_sse", "usage_json"]


def usage_json(usage: UsageSpec) -> dict[str, Any]:
    """Responses usage: input/output naming with cached and reasoning details."""
    return {
        "input_tokens": usage.input_tokens,
        "input_tokens_details": {"cached_tokens": usage.cached_input_tokens},
        "output_tokens": usage.output_tokens,
        "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
        "total_tokens": usage.total_tokens,
    }


def _response(reply: Reply, output: list[dict[str, Any]], done: bool) -> dict[str, Any]:
    """The ``response`` object, in progress (no output, no usage) or completed."""
    return {
        "id": f"resp_loopback{reply.seq}",
        "object": "response",
        "created_at": reply.created,
        "status": "completed" if done else "in_progress",
        "background": False,
        "completed_at": reply.created if done else None,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "max_output_tokens": None,
        "metadata": {},
        "model": reply.model,
        "output": output,
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "reasoning": {"effort": None, "summary": None},
        "service_tier": "default",
        "store": True,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}},
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": usage_json(reply.usage) if done else None,
        "user": None,
    }


def _text_part(text: str, annotations: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "output_text", "annotations": annotations, "logprobs": [], "text": text}


def _message_item(reply: Reply, done: bool) -> dict[str, Any]:
    content = [_text_part(reply.text or "", reply.annotations)] if done else []
    return {
        "id": f"msg_loopback{reply.seq}",
        "type": "message",
        "status": "completed" if done else "in_progress",
        "role": "assistant",
        "content": content,
    }


def _call_item(reply: Reply, index: int, done: bool) -> dict[str, Any]:
    spec = reply.calls[index]
    return {
        "id": f"fc_{reply.call_seqs[index]}",
        "type": "function_call",
        "status": "completed" if done else "in_progress",
        "call_id": reply.call_id(index, "call_"),
        "name": spec.name,
        "arguments": spec.arguments_json if done else "",
    }


def _reasoning_items(reply: Reply) -> list[dict[str, Any]]:
    """A scripted ``thinking`` as a reasoning item, its summary in clear, with an opaque
    ``encrypted_content`` (sent whether or not the request asked for it)."""
    if reply.turn.thinking is None:
        return []
    summary = [{"type": "summary_text", "text": reply.turn.thinking}]
    item_id, encrypted = f"rs_loopback{reply.seq}", f"enc-{reply.seq}"
    return [
        {"id": item_id, "type": "reasoning", "summary": summary, "encrypted_content": encrypted}
    ]


def _output(reply: Reply) -> list[dict[str, Any]]:
    """Completed output items: reasoning, the message (if any text), the function calls."""
    items = _reasoning_items(reply)
    items += [_message_item(reply, done=True)] if reply.text is not None else []
    return items + [_call_item(reply, i, done=True) for i in range(len(reply.calls))]


def render_json(reply: Reply) -> dict[str, Any]:
    """The complete non-streaming ``response`` object."""
    return _response(reply, _output(reply), done=True)


class _Events:
    """Collects typed events, numbering them with ``sequence_number`` as the API does."""

    def __init__(self) -> None:
        self.events: list[bytes] = []

    def add(self, kind: str, **fields: Any) -> None:
        payload = {"type": kind, "sequence_number": len(self.events), **fields}
        self.events.append(sse(payload, event=kind))


def _message_events(out: _Events, reply: Reply, index: int) -> None:
    """The added/part/delta/done sequence of one assistant message."""
    text, item_id = reply.text or "", f"msg_loopback{reply.seq}"
    where: dict[str, Any] = {"item_id": item_id, "output_index": index, "content_index": 0}
    out.add("response.output_item.added", output_index=index, item=_message_item(reply, False))
    out.add("response.content_part.added", **where, part=_text_part("", []))
    for piece in pieces(text, reply.text_chunk_size):
        out.add("response.output_text.delta", **where, delta=piece, logprobs=[])
    for n, note in enumerate(reply.annotations):
        out.add(
            "response.output_text.annotation.added", **where, annotation_index=n, annotation=note
        )
    out.add("response.output_text.done", **where, text=text, logprobs=[])
    out.add("response.content_part.done", **where, part=_text_part(text, reply.annotations))
    out.add("response.output_item.done", output_index=index, item=_message_item(reply, True))


def _call_events(out: _Events, reply: Reply, call: int, index: int) -> None:
    """The added/arguments-delta/done sequence of one function call."""
    spec, item = reply.calls[call], _call_item(reply, call, done=True)
    where = {"item_id": item["id"], "output_index": index}
    out.add("response.output_item.added", output_index=index, item=_call_item(reply, call, False))
    for piece in pieces(spec.arguments_json, reply.chunk_size):
        out.add("response.function_call_arguments.delta", **where, delta=piece)
    out.add(
        "response.function_call_arguments.done",
        **where,
        name=spec.name,
        arguments=item["arguments"],
    )
    out.add("response.output_item.done", output_index=index, item=item)


def render_sse(reply: Reply) -> list[bytes]:
    """The ``event:``/``data:`` stream from ``response.created`` to ``response.completed``."""
    out = _Events()
    out.add("response.created", response=_response(reply, [], done=False))
    out.add("response.in_progress", response=_response(reply, [], done=False))
    index = 0
    for item in _reasoning_items(reply):
        out.add("response.output_item.added", output_index=index, item={**item, "summary": []})
        out.add("response.output_item.done", output_index=index, item=item)
        index += 1
    if reply.text is not None:
        _message_events(out, reply, index)
        index += 1
    for call in range(len(reply.calls)):
        _call_events(out, reply, call, index + call)
    out.add("response.completed", response=_response(reply, _output(reply), done=True))
    return out.events
