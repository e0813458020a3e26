"""``ScriptedTransport``: the loopback server's script, answered in-process.

For fast unit tests of stages and agents: the same turns (``Text``, ``ToolCalls``, ``Fail``,
...) the loopback server speaks over HTTP, returned directly as ``ModelResponse`` values or
stream deltas, with every ``ModelCall`` recorded. Tests of the provider boundary itself use
the loopback server with the real SDKs instead.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass

import anyio

from ..core.calls import ModelCall, ModelResponse
from ..core.results import Message, Usage as TokenUsage
from ..exceptions import MalformedResponseError, ProviderError
from ..transports.base import StreamDelta, ToolCallDelta, Transport
from ..transports.errors import provider_error_from
from .script import Fail, JSONReply, Malformed, Stall, Text, ToolCalls, Truncated, Turn, UsageSpec


@dataclass(frozen=True, slots=True)
class RecordedCall:
    """What a stage sent: a snapshot of the ``ModelCall`` at the transport."""

    model: str
    messages: list[Message]
    tools: list[dict[str, object]] | None
    stream: bool
    call: ModelCall


class ScriptedTransport(Transport):
    """Answers each model call with the next scripted turn (or ``responder``, or ``Text("ok")``)."""

    name = "scripted"

    def __init__(self, *turns: Turn, responder: Callable[[ModelCall], Turn] | None = None):
        self.turns: deque[Turn] = deque(turns)
        self.responder = responder
        self.calls: list[RecordedCall] = []

    def script(self, *turns: Turn) -> None:
        """Append turns to the queue."""
        self.turns.extend(turns)

    async def send(self, call: ModelCall) -> ModelResponse:
        turn = await self._next_turn(call)
        return _response_for(_content_of(turn), call.model)

    async def stream(self, call: ModelCall) -> AsyncGenerator[StreamDelta, None]:
        turn = await self._next_turn(call)
        content = _content_of(turn.turn if isinstance(turn, Truncated) else turn)
        deltas = _deltas_for(content)
        limit = turn.after_events if isinstance(turn, Truncated) else len(deltas)
        for delta in deltas[:limit]:
            if content.delay:
                await anyio.sleep(content.delay)
            yield delta
        if isinstance(turn, Truncated):
            raise MalformedResponseError("the stream ended early", provider=self.name)

    async def _next_turn(self, call: ModelCall) -> Turn:
        self.calls.append(
            RecordedCall(call.model, copy.deepcopy(call.messages), call.tools, call.stream, call)
        )
        turn = self._pop(call)
        while isinstance(turn, Stall):
            await anyio.sleep(turn.seconds)
            turn = turn.then or Text("ok")
        if isinstance(turn, Fail):
            raise _failure(turn, call.model)
        if isinstance(turn, Malformed):
            raise MalformedResponseError(f"malformed answer: {turn.body[:80]}", provider=self.name)
        return turn

    def _pop(self, call: ModelCall) -> Turn:
        if self.turns:
            return self.turns.popleft()
        return self.responder(call) if self.responder is not None else Text("ok")


def _content_of(turn: Turn) -> Text | ToolCalls:
    if isinstance(turn, JSONReply):
        return turn.as_text()
    if isinstance(turn, Truncated):
        return _content_of(turn.turn)
    if isinstance(turn, Text | ToolCalls):
        return turn
    raise TypeError(f"{type(turn).__name__} has no content")


def _response_for(content: Text | ToolCalls, model: str) -> ModelResponse:
    message: Message = {"role": "assistant", "content": content.content or None}
    if isinstance(content, ToolCalls):
        message["tool_calls"] = [
            {
                "id": spec.id or f"call_{n}",
                "type": "function",
                "function": {"name": spec.name, "arguments": spec.arguments_json},
            }
            for n, spec in enumerate(content.calls)
        ]
    return ModelResponse(
        message=message,
        usage=_usage(content.usage),
        finish_reason="tool_calls" if isinstance(content, ToolCalls) else "stop",
        response_model=content.model or model,
        provider=ScriptedTransport.name,
    )


def _deltas_for(content: Text | ToolCalls) -> list[StreamDelta]:
    text = content.content or ""
    size = content.chunk_size
    deltas = [StreamDelta(content=text[i : i + size]) for i in range(0, len(text), size)]
    if isinstance(content, ToolCalls):
        for n, spec in enumerate(content.calls):
            arguments = spec.arguments_json
            pieces = [arguments[i : i + size] for i in range(0, len(arguments), size)] or [""]
            deltas.append(_call_delta(n, spec.id or f"call_{n}", spec.name, pieces[0]))
            deltas.extend(_call_delta(n, None, None, piece) for piece in pieces[1:])
    finish = "tool_calls" if isinstance(content, ToolCalls) else "stop"
    deltas.append(StreamDelta(finish_reason=finish, usage=_usage(content.usage)))
    return deltas


def _call_delta(index: int, call_id: str | None, name: str | None, arguments: str) -> StreamDelta:
    return StreamDelta(tool_calls=(ToolCallDelta(index, call_id, name, arguments),))


def _usage(usage: UsageSpec) -> TokenUsage:
    return TokenUsage(
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cached_input_tokens=usage.cached_input_tokens,
        reasoning_tokens=usage.reasoning_tokens,
        calls=1,
    )


class _ScriptedFailure(Exception):
    def __init__(self, turn: Fail) -> None:
        super().__init__(turn.message)
        self.status_code = turn.status
        self.headers = {"retry-after": str(turn.retry_after)} if turn.retry_after else {}


def _failure(turn: Fail, model: str) -> ProviderError:
    return provider_error_from(_ScriptedFailure(turn), provider=ScriptedTransport.name, model=model)
