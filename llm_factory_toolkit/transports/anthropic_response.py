"""Anthropic Messages answers, whole or streamed, in the toolkit's Chat Completions shapes.

==============================================  ==========================================
Anthropic                                       ``ModelResponse``
==============================================  ==========================================
``text`` blocks                                 ``message["content"]`` (joined)
``tool_use`` blocks                             ``message["tool_calls"]`` (input as JSON)
``thinking`` / ``redacted_thinking`` blocks     ``message["thinking_blocks"]``, verbatim
``usage`` (cache reads and writes apart)        ``Usage``: input includes both
``stop_reason``                                 ``finish_reason``
==============================================  ==========================================
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from ..core.calls import ModelResponse
from ..core.results import Message, Usage
from ..exceptions import MalformedResponseError
from .base import StreamDelta, ToolCallDelta

PROVIDER = "anthropic"
THINKING_TYPES = frozenset({"thinking", "redacted_thinking"})
_USAGE_FIELDS = (
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
)
_FINISH = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "tool_use": "tool_calls",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "refusal": "content_filter",
}


def model_response_from(message: Any, *, model: str) -> ModelResponse:
    """A ``ModelResponse`` from an SDK ``Message``; anything else is a malformed answer."""
    if getattr(message, "type", None) != "message" or not getattr(message, "id", None):
        raise MalformedResponseError(
            f"the answer for model '{model}' is not an Anthropic message",
            provider=PROVIDER,
            model=model,
        )
    blocks = [_plain(block) for block in message.content or ()]
    result: Message = {"role": "assistant", "content": _text(blocks) or None}
    calls = [_tool_call(block) for block in blocks if block["type"] == "tool_use"]
    if calls:
        result["tool_calls"] = calls
    thinking = [block for block in blocks if block["type"] in THINKING_TYPES]
    if thinking:
        result["thinking_blocks"] = thinking
    return ModelResponse(
        message=result,
        usage=usage_from(message.usage),
        finish_reason=finish_reason_of(message.stop_reason),
        response_id=message.id,
        response_model=message.model,
        provider=PROVIDER,
    )


def _plain(block: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = block.model_dump(mode="json", exclude_none=True, warnings=False)
    return dumped


def _text(blocks: list[dict[str, Any]]) -> str:
    return "".join(block.get("text", "") for block in blocks if block["type"] == "text")


def _tool_call(block: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": block["id"],
        "type": "function",
        "function": {"name": block["name"], "arguments": json.dumps(block.get("input") or {})},
    }


def finish_reason_of(stop_reason: str | None) -> str:
    """The Chat Completions finish reason for Anthropic's ``stop_reason``."""
    return _FINISH.get(stop_reason or "", stop_reason or "stop")


def usage_from(usage: Any) -> Usage | None:
    """Token counts: Anthropic's ``input_tokens`` leaves out cache reads and writes."""
    if usage is None:
        return None
    read = getattr(usage, "cache_read_input_tokens", 0) or 0
    written = getattr(usage, "cache_creation_input_tokens", 0) or 0
    return Usage(
        input_tokens=(getattr(usage, "input_tokens", 0) or 0) + read + written,
        output_tokens=getattr(usage, "output_tokens", 0) or 0,
        cached_input_tokens=read,
        cache_write_input_tokens=written,
        calls=1,
    )


@dataclass(slots=True)
class StreamReader:
    """Turns the SSE events of one message into ``StreamDelta`` values.

    Thinking blocks are collected whole and handed over with the final delta, which also
    carries the usage (input counts from ``message_start``, output from ``message_delta``).
    """

    model: str
    counts: dict[str, int] = field(default_factory=dict)
    stop_reason: str | None = None
    thinking: dict[int, dict[str, Any]] = field(default_factory=dict)
    finished: bool = False

    def delta(self, event: Any) -> StreamDelta | None:
        """The delta for ``event``; None for events that change nothing."""
        kind = event.type
        if kind == "content_block_delta":
            return self._block_delta(event.index, event.delta)
        if kind == "content_block_start":
            return self._block_start(event.index, _plain(event.content_block))
        if kind == "message_start":
            self._count(event.message.usage)
            return StreamDelta(response_id=event.message.id, response_model=event.message.model)
        if kind == "message_delta":
            self.stop_reason = event.delta.stop_reason or self.stop_reason
            self._count(event.usage)
        elif kind == "message_stop":
            self.finished = True
            return self._final()
        return None

    def _block_start(self, index: int, block: dict[str, Any]) -> StreamDelta | None:
        if block["type"] in THINKING_TYPES:
            self.thinking[index] = block
        elif block["type"] == "tool_use":
            call = ToolCallDelta(index=index, id=block["id"], name=block["name"])
            return StreamDelta(tool_calls=(call,))
        elif block["type"] == "text" and block.get("text"):
            return StreamDelta(content=block["text"])
        return None

    def _block_delta(self, index: int, delta: Any) -> StreamDelta | None:
        kind = delta.type
        if kind == "text_delta":
            return StreamDelta(content=delta.text)
        if kind == "input_json_delta":
            call = ToolCallDelta(index=index, arguments=delta.partial_json)
            return StreamDelta(tool_calls=(call,)) if delta.partial_json else None
        block = self.thinking.get(index)
        if block is not None and kind == "thinking_delta":
            block["thinking"] = block.get("thinking", "") + delta.thinking
        elif block is not None and kind == "signature_delta":
            block["signature"] = delta.signature
        return None

    def _count(self, usage: Any) -> None:
        """Counts from ``message_start``, updated by ``message_delta`` (its are the final ones)."""
        for name in _USAGE_FIELDS:
            value = getattr(usage, name, None)
            if isinstance(value, int):
                self.counts[name] = value

    def _final(self) -> StreamDelta:
        usage = usage_from(SimpleNamespace(**self.counts)) if self.counts else None
        extras = {"thinking_blocks": list(self.thinking.values())} if self.thinking else None
        return StreamDelta(
            finish_reason=finish_reason_of(self.stop_reason), usage=usage, message_extras=extras
        )

    def check_finished(self) -> None:
        """Raise when the stream ended before ``message_stop`` (the connection was cut)."""
        if not self.finished:
            raise MalformedResponseError(
                f"the message stream for model '{self.model}' ended before it completed",
                provider=PROVIDER,
                model=self.model,
            )
