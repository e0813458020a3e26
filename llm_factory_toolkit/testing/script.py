"""The script vocabulary of :class:`~llm_factory_toolkit.testing.server.LoopbackLLMServer`.

Each value describes one model reply independently of the wire format, so the same script
drives Chat Completions, Responses and Anthropic Messages clients alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, TypeAlias

__all__ = [
    "Fail",
    "JSONReply",
    "Malformed",
    "Reset",
    "Stall",
    "Text",
    "ToolCallSpec",
    "ToolCalls",
    "Truncated",
    "Turn",
    "Usage",
]


@dataclass(frozen=True, kw_only=True)
class Usage:
    """Token counts, rendered in each wire format's native shape.

    ``input_tokens`` is the total prompt size *including* ``cached_input_tokens`` (OpenAI's
    convention); the Anthropic rendering subtracts the cached part because Anthropic reports
    cache reads separately, so clients that add them back see the same total everywhere.
    """

    input_tokens: int = 10
    output_tokens: int = 5
    cached_input_tokens: int = 0
    reasoning_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion, as both OpenAI formats report it."""
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True)
class Text:
    """A plain assistant answer; streamed as deltas of ``chunk_size`` characters.

    ``annotations`` are URL citations in the Responses shape (``type``, ``url``, ``title``,
    ``start_index``, ``end_index``); Chat Completions receives them wrapped as
    ``{"type": "url_citation", "url_citation": {...}}``; Anthropic renders no citations.
    ``delay`` is the pause between SSE events, which leaves room for a client to cancel
    mid-stream (JSON answers ignore it).
    """

    content: str
    usage: Usage = field(default_factory=Usage)
    chunk_size: int = 4
    model: str | None = None
    annotations: list[dict[str, Any]] | None = None
    delay: float = 0.0

    def __post_init__(self) -> None:
        _check_positive(self.chunk_size, "chunk_size")


@dataclass(frozen=True)
class ToolCallSpec:
    """One function call; ``id`` defaults to a server-assigned ``call_<n>`` / ``toolu_<n>``."""

    name: str
    arguments: dict[str, Any] | str
    id: str | None = None

    @property
    def arguments_json(self) -> str:
        """The arguments as the JSON string the OpenAI formats carry (strings pass verbatim)."""
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments)


@dataclass(frozen=True)
class ToolCalls:
    """One or more parallel tool calls, optionally preceded by text.

    In SSE the argument JSON is split every ``chunk_size`` characters so clients must
    reassemble fragments cut at arbitrary points. With ``omit_ids_after_first_delta=False`` the
    Chat Completions stream repeats ``id``/``type``/``name`` on every delta, as some
    OpenAI-compatible providers do.
    """

    calls: list[ToolCallSpec]
    content: str | None = None
    usage: Usage = field(default_factory=Usage)
    chunk_size: int = 7
    omit_ids_after_first_delta: bool = True
    model: str | None = None
    delay: float = 0.0

    def __post_init__(self) -> None:
        _check_positive(self.chunk_size, "chunk_size")
        if not self.calls:
            raise ValueError("ToolCalls needs at least one ToolCallSpec")


@dataclass(frozen=True)
class JSONReply:
    """Text whose content is ``json.dumps(data)``, for structured-output tests."""

    data: Any
    usage: Usage = field(default_factory=Usage)
    model: str | None = None
    chunk_size: int = 4
    delay: float = 0.0

    def as_text(self) -> Text:
        """The equivalent :class:`Text`, so renderers handle a single content shape."""
        return Text(
            json.dumps(self.data),
            usage=self.usage,
            chunk_size=self.chunk_size,
            model=self.model,
            delay=self.delay,
        )


@dataclass(frozen=True)
class Fail:
    """An HTTP error with the provider's native error body.

    ``error_type`` overrides the error ``type`` otherwise derived from ``status``.
    """

    status: int
    message: str = "scripted failure"
    retry_after: float | None = None
    error_type: str | None = None


@dataclass(frozen=True)
class Stall:
    """Wait ``seconds`` (noticing client disconnects and server stop), then answer ``then``."""

    seconds: float
    then: Turn | None = None


@dataclass(frozen=True)
class Truncated:
    """``turn`` cut off: the stream closes after ``after_events`` SSE events.

    A non-stream request gets half of the JSON body although ``Content-Length`` announces the
    whole of it, i.e. the connection drops mid-body. With ``ends_cleanly`` the HTTP exchange is
    complete (the last chunk, or a ``Content-Length`` that fits the half body): only the answer
    itself is cut short, as when a proxy ends a stream early.
    """

    turn: Text | ToolCalls | JSONReply
    after_events: int = 2
    ends_cleanly: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.turn, Text | ToolCalls | JSONReply):
            raise TypeError("Truncated wraps Text, ToolCalls or JSONReply only")
        if self.after_events < 0:
            raise ValueError("after_events must be >= 0")


@dataclass(frozen=True)
class Reset:
    """The connection reset (a TCP RST) after ``after_events`` SSE events of ``turn``.

    With ``after_events=0``, or for a request that is not streamed, it is reset before a
    single byte of the answer, headers included.
    """

    turn: Text | ToolCalls | JSONReply = field(default_factory=lambda: Text("reset " * 8))
    after_events: int = 0

    def __post_init__(self) -> None:
        if self.after_events < 0:
            raise ValueError("after_events must be >= 0")


@dataclass(frozen=True)
class Malformed:
    """A 200 response whose body does not parse.

    Stream requests get ``data: <body>`` as an SSE event instead, with ``text/event-stream``
    unless ``content_type`` was changed from its default.
    """

    body: str = "this is not json"
    content_type: str = "application/json"


Turn: TypeAlias = Text | ToolCalls | JSONReply | Fail | Stall | Truncated | Reset | Malformed
"""Anything that can answer one model request."""

Content: TypeAlias = Text | ToolCalls
"""The turns the wire renderers deal with (``JSONReply`` is converted to ``Text`` first)."""


def _check_positive(value: int, name: str) -> None:
    if value < 1:
        raise ValueError(f"{name} must be >= 1")
