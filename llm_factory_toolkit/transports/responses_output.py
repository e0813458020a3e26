"""Responses API answers, whole or streamed, in the toolkit's Chat Completions shapes.

==============================================  ==========================================
Responses output                                ``ModelResponse``
==============================================  ==========================================
``message`` item, ``output_text`` parts         ``message["content"]`` (joined)
``output_text`` annotations (citations)         ``metadata["annotations"]``
``refusal`` parts                               ``metadata["refusal"]``
``function_call`` item                          ``message["tool_calls"][i]`` (id = call_id)
``reasoning`` item                              ``message["reasoning_items"]`` (sent back)
                                                and ``metadata["reasoning"]``
``web_search_call`` / ``file_search_call``      ``metadata["web_search_calls"]`` / ``...``
any other item (hosted tools)                   ``metadata["output_items"]``
``usage``                                       ``Usage`` (cached and reasoning included)
``status`` / ``incomplete_details.reason``      ``finish_reason``
==============================================  ==========================================

Streamed, text deltas and function-call argument deltas become ``StreamDelta`` values (one
tool-call index per output item) for ``transports.assembly``; the terminal
``response.completed`` event carries the usage, finish reason and metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.calls import ModelResponse
from ..core.results import Message, Usage
from ..exceptions import (
    MalformedResponseError,
    ProviderError,
    RateLimitError,
    ServerError,
)
from .base import StreamDelta, ToolCallDelta

PROVIDER = "openai"

_EXTRA_KEYS = {
    "reasoning": "reasoning",
    "web_search_call": "web_search_calls",
    "file_search_call": "file_search_calls",
}
_INCOMPLETE_REASONS = {"max_output_tokens": "length", "content_filter": "content_filter"}


def model_response_from(response: Any) -> ModelResponse:
    """A ``ModelResponse`` from an SDK ``Response``."""
    texts: list[str] = []
    calls: list[dict[str, Any]] = []
    for item in response.output or ():
        if item.type == "message":
            texts.extend(part.text for part in item.content if part.type == "output_text")
        elif item.type == "function_call":
            calls.append(_tool_call(item))
    message: Message = {"role": "assistant", "content": "".join(texts) or None}
    if calls:
        message["tool_calls"] = calls
    message.update(reasoning_extras(response) or {})
    return ModelResponse(
        message=message,
        usage=usage_from(response.usage),
        finish_reason=finish_reason_of(response, bool(calls)),
        response_id=response.id,
        response_model=response.model,
        provider=PROVIDER,
        metadata=metadata_of(response),
    )


def reasoning_extras(response: Any) -> dict[str, Any] | None:
    """The reasoning items to keep on the assistant message and send back next round."""
    items = [_plain(item) for item in response.output or () if item.type == "reasoning"]
    return {"reasoning_items": items} if items else None


def _tool_call(item: Any) -> dict[str, Any]:
    return {
        "id": item.call_id,
        "type": "function",
        "function": {"name": item.name, "arguments": item.arguments or ""},
    }


def metadata_of(response: Any) -> dict[str, Any]:
    """What the answer carried besides text and function calls: citations, hosted tools."""
    found: dict[str, Any] = {}
    for item in response.output or ():
        if item.type == "message":
            _read_message_parts(item, found)
        elif item.type != "function_call":
            key = _EXTRA_KEYS.get(item.type, "output_items")
            found.setdefault(key, []).append(_plain(item))
    return found


def _read_message_parts(item: Any, found: dict[str, Any]) -> None:
    for part in item.content:
        if part.type == "output_text" and part.annotations:
            found.setdefault("annotations", []).extend(_plain(a) for a in part.annotations)
        elif part.type == "refusal":
            found["refusal"] = found.get("refusal", "") + part.refusal


def _plain(value: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = value.model_dump(mode="json", exclude_none=True)
    return dumped


def usage_from(usage: Any) -> Usage | None:
    """Token counts from a Responses usage object."""
    if usage is None:
        return None
    return Usage(
        input_tokens=usage.input_tokens or 0,
        output_tokens=usage.output_tokens or 0,
        cached_input_tokens=getattr(usage.input_tokens_details, "cached_tokens", 0) or 0,
        reasoning_tokens=getattr(usage.output_tokens_details, "reasoning_tokens", 0) or 0,
        calls=1,
    )


def finish_reason_of(response: Any, has_calls: bool) -> str:
    """The Chat Completions finish reason for the response's status."""
    details = getattr(response, "incomplete_details", None)
    if response.status == "incomplete" and details is not None:
        return _INCOMPLETE_REASONS.get(details.reason or "", "length")
    return "tool_calls" if has_calls else "stop"


@dataclass(slots=True)
class StreamReader:
    """Turns the typed SSE events of one response into ``StreamDelta`` values.

    It remembers which function calls received argument deltas, so a server that sends the
    arguments only in ``function_call_arguments.done`` is read correctly too.
    """

    model: str
    streamed_arguments: set[int] = field(default_factory=set)
    finished: bool = False

    def delta(self, event: Any) -> StreamDelta | None:
        """The delta for ``event``; None for events that change nothing."""
        kind = event.type
        if kind == "response.output_text.delta":
            return StreamDelta(content=event.delta)
        if kind in ("response.output_item.added", "response.function_call_arguments.delta"):
            return self._call_delta(event)
        if kind == "response.function_call_arguments.done":
            return self._late_arguments(event)
        if kind in ("response.completed", "response.incomplete"):
            self.finished = True
            return self._final(event.response)
        if kind == "response.created":
            return StreamDelta(response_id=event.response.id, response_model=event.response.model)
        if kind in ("response.failed", "error"):
            raise self._failure(event)
        return None

    def _call_delta(self, event: Any) -> StreamDelta | None:
        index = event.output_index
        if event.type == "response.function_call_arguments.delta":
            self.streamed_arguments.add(index)
            return _call_fragment(ToolCallDelta(index=index, arguments=event.delta))
        item = event.item
        if item.type != "function_call":
            return None
        return _call_fragment(ToolCallDelta(index=index, id=item.call_id, name=item.name))

    def _late_arguments(self, event: Any) -> StreamDelta | None:
        if event.output_index in self.streamed_arguments:
            return None
        return _call_fragment(ToolCallDelta(index=event.output_index, arguments=event.arguments))

    def _final(self, response: Any) -> StreamDelta:
        has_calls = any(item.type == "function_call" for item in response.output or ())
        return StreamDelta(
            finish_reason=finish_reason_of(response, has_calls),
            usage=usage_from(response.usage),
            response_id=response.id,
            response_model=response.model,
            metadata=metadata_of(response) or None,
            message_extras=reasoning_extras(response),
        )

    def _failure(self, event: Any) -> ProviderError:
        error = getattr(getattr(event, "response", None), "error", None) or event
        code = str(getattr(error, "code", "") or "")
        message = f"openai error for model '{self.model}': {getattr(error, 'message', code)}"
        kind = _FAILURES.get(code, ProviderError)
        return kind(message, provider=PROVIDER, model=self.model)

    def check_finished(self) -> None:
        """Raise when the stream ended before a terminal event (the connection was cut)."""
        if not self.finished:
            raise MalformedResponseError(
                f"the response stream for model '{self.model}' ended before it completed",
                provider=PROVIDER,
                model=self.model,
            )


_FAILURES: dict[str, type[ProviderError]] = {
    "server_error": ServerError,
    "rate_limit_exceeded": RateLimitError,
}


def _call_fragment(fragment: ToolCallDelta) -> StreamDelta:
    return StreamDelta(tool_calls=(fragment,))
