"""Assembling a streamed answer into one ``ModelResponse``.

Providers stream tool calls as fragments keyed by an ``index``, and disagree on the rest:
some repeat the id and name on every fragment, some send them once, some never send an id,
and some reuse index 0 for parallel calls. A fragment continues the call open at its index
unless it evidently starts another one:

- it carries an id, and the open call has a different one; or
- it carries no id, the open call's arguments are already a complete JSON value, and the
  fragment names another tool or begins a new JSON value (no continuation could follow a
  complete value, so this never splits a call).

A bare header (a name, no id, no arguments) that repeats the name of a complete call is no
call by itself: some providers send one after the arguments. Its name is kept for a next call
at that index, should arguments follow.

Arguments are joined as text, so a fragment may end anywhere, even between the two halves of
a UTF-16 surrogate pair (they are recombined). Missing ids are generated, duplicated ids made
unique, and fragments that carried nothing are dropped. A stream that ends without a finish
reason was cut off; one with no text, no tool call and no output tokens was no answer (litellm
turns an unparseable stream into exactly that). Both raise ``MalformedResponseError``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..exceptions import MalformedResponseError
from ..tools.models import Message, Usage
from .context import ModelResponse

if TYPE_CHECKING:
    from ..transports.base import StreamDelta, ToolCallDelta


@dataclass(slots=True)
class _PartialCall:
    id: str | None = None
    name: str = ""
    arguments: list[str] = field(default_factory=list)

    def arguments_text(self) -> str:
        return _joined(self.arguments)

    def is_complete(self) -> bool:
        """Whether the arguments so far already form one whole JSON value."""
        text = self.arguments_text().strip()
        if not text:
            return False
        try:
            json.loads(text)
        except ValueError:
            return False
        return True


@dataclass(slots=True)
class StreamAssembler:
    """Accumulates ``StreamDelta`` values; ``response()`` gives the whole answer."""

    text: list[str] = field(default_factory=list)
    calls: list[_PartialCall] = field(default_factory=list)
    open_by_index: dict[int, _PartialCall] = field(default_factory=dict)
    echoed_names: dict[int, str] = field(default_factory=dict)
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
        if call is not None and _echoes_name(call, fragment):
            self.echoed_names[fragment.index] = call.name
            return
        if call is None or _starts_another_call(call, fragment):
            call = _PartialCall(name=self.echoed_names.pop(fragment.index, ""))
            self.calls.append(call)
            self.open_by_index[fragment.index] = call
        call.id = call.id or fragment.id or None
        if fragment.name and not call.name:
            call.name = fragment.name
        if fragment.arguments:
            call.arguments.append(fragment.arguments)

    def response(self, *, provider: str | None) -> ModelResponse:
        """The assembled answer; raises ``MalformedResponseError`` if the stream was no answer."""
        message: Message = {"role": "assistant", "content": _joined(self.text) or None}
        calls = [call for call in self.calls if call.name or call.id or call.arguments]
        problem = self._problem(bool(message["content"] or calls))
        if problem:
            raise MalformedResponseError(
                f"the answer streamed by {provider or 'the provider'} {problem}",
                provider=provider,
                model=self.response_model,
            )
        if calls:
            message["tool_calls"] = _message_calls(calls, provider, self.response_model)
        return ModelResponse(
            message=message,
            usage=self.usage,
            finish_reason=self.finish_reason,
            response_id=self.response_id,
            response_model=self.response_model,
            provider=provider,
            metadata=self.metadata,
        )

    def _problem(self, answered: bool) -> str | None:
        if self.finish_reason is None:
            return "ended before the provider said it was complete"
        if not answered and not (self.usage and self.usage.output_tokens):
            return "carried neither text nor tool calls, nor any output tokens"
        return None


def _echoes_name(call: _PartialCall, fragment: ToolCallDelta) -> bool:
    """A name-only fragment repeating the name of a call whose arguments are complete."""
    bare = not fragment.id and not fragment.arguments
    return bare and fragment.name == call.name and call.is_complete()


def _starts_another_call(call: _PartialCall, fragment: ToolCallDelta) -> bool:
    if fragment.id and call.id:
        return fragment.id != call.id
    if fragment.id or not call.name:
        return False
    renamed = bool(fragment.name) and fragment.name != call.name
    opens_value = fragment.arguments.lstrip()[:1] in ("{", "[")
    return (renamed or opens_value) and call.is_complete()


def _message_calls(
    calls: list[_PartialCall], provider: str | None, model: str | None
) -> list[dict[str, Any]]:
    seen: set[str] = set()
    result = []
    for call in calls:
        if not call.name:
            raise MalformedResponseError(
                "a streamed tool call never said which tool it calls",
                provider=provider,
                model=model,
            )
        call_id = call.id if call.id and call.id not in seen else new_tool_call_id()
        seen.add(call_id)
        result.append(
            {
                "id": call_id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments_text()},
            }
        )
    return result


def _joined(parts: list[str]) -> str:
    """The parts as one string, re-pairing UTF-16 surrogates a split left apart."""
    text = "".join(parts)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def new_tool_call_id() -> str:
    """An id for a tool call the provider sent without one."""
    return f"call_{uuid.uuid4().hex[:24]}"
