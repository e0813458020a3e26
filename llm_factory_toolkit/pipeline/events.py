"""Typed events, one per moment of a generation, named in the past tense.

Events are frozen values for observers: they carry ids and plain data, never live objects,
and never values injected from ``tool_execution_context``. ``kind`` discriminates them when
serialised (``dataclasses.asdict(event)``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

from ..tools.models import Usage


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Fields every event has: which generation it belongs to, and when it happened."""

    kind: str = "event"
    run_id: str
    timestamp: float = field(default_factory=time.time)


@dataclass(frozen=True, slots=True, kw_only=True)
class GenerationStarted(Event):
    kind: Literal["generation.started"] = "generation.started"
    model: str
    stream: bool = False
    message_count: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class GenerationFinished(Event):
    kind: Literal["generation.finished"] = "generation.finished"
    model: str
    finish_reason: str
    iterations: int
    usage: Usage
    duration_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class GenerationFailed(Event):
    kind: Literal["generation.failed"] = "generation.failed"
    model: str
    error_type: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class GenerationCancelled(Event):
    """The generation was cancelled (a timeout, a closed stream); it ends here."""

    kind: Literal["generation.cancelled"] = "generation.cancelled"
    model: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelCallStarted(Event):
    kind: Literal["model_call.started"] = "model_call.started"
    iteration: int
    model: str
    stream: bool
    tool_count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelCallFinished(Event):
    kind: Literal["model_call.finished"] = "model_call.finished"
    iteration: int
    model: str
    provider: str | None
    finish_reason: str | None
    tool_call_count: int
    duration_s: float
    response_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelCallFailed(Event):
    kind: Literal["model_call.failed"] = "model_call.failed"
    iteration: int
    model: str
    error_type: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelCallCancelled(Event):
    kind: Literal["model_call.cancelled"] = "model_call.cancelled"
    iteration: int
    model: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelCallRetrying(Event):
    """Attempt ``attempt`` failed with ``error_type``; the next is sent after ``delay_s``."""

    kind: Literal["model_call.retrying"] = "model_call.retrying"
    iteration: int
    model: str
    attempt: int
    delay_s: float
    error_type: str
    message: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class FallbackUsed(Event):
    """``from_model`` failed with ``error_type`` after its retries; ``to_model`` is asked."""

    kind: Literal["model_call.fallback"] = "model_call.fallback"
    iteration: int
    from_model: str
    to_model: str
    error_type: str
    message: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamChunkReceived(Event):
    kind: Literal["stream.chunk_received"] = "stream.chunk_received"
    iteration: int
    content: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCallRequested(Event):
    """The model asked for a tool; ``arguments`` is the model's own JSON text."""

    kind: Literal["tool_call.requested"] = "tool_call.requested"
    iteration: int
    tool_call_id: str
    tool_name: str
    arguments: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCallStarted(Event):
    kind: Literal["tool_call.started"] = "tool_call.started"
    iteration: int
    tool_call_id: str
    tool_name: str
    depth: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCallFinished(Event):
    kind: Literal["tool_call.finished"] = "tool_call.finished"
    iteration: int
    tool_call_id: str
    tool_name: str
    depth: int = 0
    duration_s: float
    mocked: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCallFailed(Event):
    kind: Literal["tool_call.failed"] = "tool_call.failed"
    iteration: int
    tool_call_id: str
    tool_name: str
    depth: int = 0
    error: str
    duration_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCallDenied(Event):
    kind: Literal["tool_call.denied"] = "tool_call.denied"
    iteration: int
    tool_call_id: str
    tool_name: str
    depth: int = 0
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCallCancelled(Event):
    kind: Literal["tool_call.cancelled"] = "tool_call.cancelled"
    iteration: int
    tool_call_id: str
    tool_name: str
    depth: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolsLoaded(Event):
    kind: Literal["tools.loaded"] = "tools.loaded"
    tool_names: tuple[str, ...]
    refused: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolsUnloaded(Event):
    kind: Literal["tools.unloaded"] = "tools.unloaded"
    tool_names: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class UsageRecorded(Event):
    kind: Literal["usage.recorded"] = "usage.recorded"
    iteration: int
    model: str
    usage: Usage


ALL_EVENT_TYPES: tuple[type[Event], ...] = (
    GenerationStarted,
    GenerationFinished,
    GenerationFailed,
    GenerationCancelled,
    ModelCallStarted,
    ModelCallFinished,
    ModelCallFailed,
    ModelCallCancelled,
    ModelCallRetrying,
    FallbackUsed,
    StreamChunkReceived,
    ToolCallRequested,
    ToolCallStarted,
    ToolCallFinished,
    ToolCallFailed,
    ToolCallDenied,
    ToolCallCancelled,
    ToolsLoaded,
    ToolsUnloaded,
    UsageRecorded,
)
