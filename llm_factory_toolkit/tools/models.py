"""Values that cross the public API: results, stream chunks, tool calls and token usage."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Message = dict[str, Any]
"""A Chat Completions style message (``{"role": ..., "content": ...}``)."""

FinishReason = Literal["stop", "length", "max_tool_iterations", "content_filter", "tool_calls"]


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts and cost of one model call, or the sum over a generation.

    ``input_tokens`` includes ``cached_input_tokens``; ``output_tokens`` includes
    ``reasoning_tokens``. ``cost_usd`` is None when the model's price is unknown.
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    reasoning_tokens: int = 0
    cost_usd: float | None = None
    calls: int = 0

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def __add__(self, other: Usage) -> Usage:
        costs = [c for c in (self.cost_usd, other.cost_usd) if c is not None]
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cached_input_tokens=self.cached_input_tokens + other.cached_input_tokens,
            reasoning_tokens=self.reasoning_tokens + other.reasoning_tokens,
            cost_usd=sum(costs) if costs else None,
            calls=self.calls + other.calls,
        )


@dataclass(slots=True)
class ToolExecutionResult:
    """What a tool produced: ``content`` goes to the model, ``payload`` stays with the caller."""

    content: str
    payload: Any = None
    metadata: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedToolCall:
    """A tool call the model asked for, with its arguments decoded (or why they were not)."""

    id: str
    name: str
    arguments: dict[str, Any] | str | None
    arguments_parsing_error: str | None = None


@dataclass(frozen=True, slots=True)
class ToolIntentOutput:
    """The model's planned tool calls, returned without running them."""

    content: str | None = None
    tool_calls: list[ParsedToolCall] | None = None
    raw_assistant_message: list[Message] = field(default_factory=list)
    offered_tools: frozenset[str] | None = None
    """The tools the planning call offered; ``execute_tool_intents`` denies any other call.
    None (an intent not made by ``generate_tool_intent``): the client's tools."""


@dataclass(slots=True)
class GenerationResult:
    """The outcome of ``generate()``; unpacks as ``content, payloads = result``."""

    content: Any
    payloads: list[Any] = field(default_factory=list)
    tool_messages: list[Message] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    finish_reason: str = "stop"
    iterations: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)
    model: str | None = None
    """The model that produced the final answer (a fallback model, when one took over)."""

    def __iter__(self) -> Iterator[Any]:
        yield self.content
        yield self.payloads

    def __len__(self) -> int:
        return 2

    def __getitem__(self, index: int) -> Any:
        return (self.content, self.payloads)[index]


@dataclass(frozen=True, slots=True)
class StreamChunk:
    """One piece of a streamed generation.

    Text chunks carry ``content`` as the model writes it. When the model calls tools the
    stream pauses while they run, then carries the follow-up's text. The last chunk, and only
    it, has ``done=True``, the generation's ``usage`` and the whole ``result`` (the final
    content, validated when a ``response_format`` was given; ``messages``, ``tool_messages``
    and ``payloads``), so a streamed turn can be persisted like a plain one. A stream closed
    or cancelled before that chunk stops the generation and the request at once.
    """

    content: str = ""
    done: bool = False
    usage: Usage | None = None
    result: GenerationResult | None = None
