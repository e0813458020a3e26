"""Assembling a streamed answer into one ``ModelResponse``.

Providers stream tool calls as fragments keyed by an ``index``; some repeat the id on every
fragment, some send it once, some never, and some reuse index 0 for parallel calls with
different ids. A fragment opens a new call when its index is new, or when it carries an id
and a name that differ from the call open at that index.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..tools.models import Message, Usage
from .context import ModelResponse

if TYPE_CHECKING:
    from ..transports.base import StreamDelta, ToolCallDelta


@dataclass(slots=True)
class _PartialCall:
    id: str | None = None
    name: str = ""
    arguments: list[str] = field(default_factory=list)


@dataclass(slots=True)
class StreamAssembler:
    """Accumulates ``StreamDelta`` values; ``response()`` gives the whole answer."""

    text: list[str] = field(default_factory=list)
    calls: list[_PartialCall] = field(default_factory=list)
    open_by_index: dict[int, _PartialCall] = field(default_factory=dict)
    usage: Usage | None = None
    finish_reason: str | None = None
    response_id: str | None = None
    response_model: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def add(self, delta: StreamDelta) -> None:
        if delta.content:
            self.text.append(delta.content)
        for fragment in delta.tool_calls:
            self._add_fragment(fragment)
        self.usage = delta.usage or self.usage
        self.finish_reason = delta.finish_reason or self.finish_reason
        self.response_id = self.response_id or delta.response_id
        self.response_model = self.response_model or delta.response_model
        if delta.metadata:
            self.metadata.update(delta.metadata)

    def _add_fragment(self, fragment: ToolCallDelta) -> None:
        call = self.open_by_index.get(fragment.index)
        if call is None or _starts_another_call(call, fragment):
            call = _PartialCall()
            self.calls.append(call)
            self.open_by_index[fragment.index] = call
        call.id = call.id or fragment.id
        if fragment.name and not call.name:
            call.name = fragment.name
        call.arguments.append(fragment.arguments)

    def response(self, *, provider: str | None) -> ModelResponse:
        message: Message = {"role": "assistant", "content": "".join(self.text) or None}
        if self.calls:
            message["tool_calls"] = [_as_message_call(call) for call in self.calls]
        return ModelResponse(
            message=message,
            usage=self.usage,
            finish_reason=self.finish_reason,
            response_id=self.response_id,
            response_model=self.response_model,
            provider=provider,
            metadata=self.metadata,
        )


def _starts_another_call(call: _PartialCall, fragment: ToolCallDelta) -> bool:
    return bool(fragment.id and call.id and fragment.id != call.id and fragment.name and call.name)


def new_tool_call_id() -> str:
    """An id for a tool call the provider sent without one."""
    return f"call_{uuid.uuid4().hex[:24]}"


def _as_message_call(call: _PartialCall) -> dict[str, Any]:
    return {
        "id": call.id or new_tool_call_id(),
        "type": "function",
        "function": {"name": call.name, "arguments": "".join(call.arguments)},
    }
