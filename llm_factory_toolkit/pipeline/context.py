"""What flows through the pipeline: the frozen request, the run's state, and the per-call values.

``GenerationRequest`` is what ``generate()`` was asked, frozen. ``GenerationContext`` is the
mutable state of one run (transcript, usage, iteration), shared by the stages.
``ModelCall`` and ``ToolCall`` travel through the model-call and tool-call onions; stages may
edit them before passing them on. ``ModelResponse`` is what a transport returns, already in
the Chat Completions shape whatever the wire format was.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..tools.models import GenerationResult, Message, ToolExecutionResult, Usage
from ..tools.result_cap import DEFAULT_MAX_TOOL_RESULT_CHARS

if TYPE_CHECKING:
    from ..resilience.limits import UsageLimits
    from ..resilience.policy import RetryPolicy
    from ..tools.session import ToolSession
    from ..tools.tool_factory import ToolFactory
    from ..transports.base import Transport
    from .bus import EventBus
    from .hooks import HookRegistry
    from .stack import Pipeline


DEFAULT_TOOL_TIMEOUT_S = 300.0
"""Seconds a tool may run unless ``tool_timeout=`` says otherwise (``None``: no bound)."""


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class GenerationRequest:
    """Everything one ``generate()`` call asked for."""

    messages: tuple[Message, ...]
    model: str
    temperature: float | None = None
    max_output_tokens: int | None = None
    reasoning_effort: str | None = None
    response_format: Any = None
    use_tools: tuple[str, ...] | None = None
    tool_execution_context: Mapping[str, Any] = field(default_factory=_empty)
    mock_tools: bool = False
    stream: bool = False
    web_search: bool | Mapping[str, Any] = False
    file_search: Mapping[str, Any] | None = None
    tool_session: ToolSession | None = None
    max_tool_iterations: int = 25
    max_concurrent_tools: int = 8
    tool_timeout: float | None = DEFAULT_TOOL_TIMEOUT_S
    max_tool_result_chars: int | None = DEFAULT_MAX_TOOL_RESULT_CHARS
    """The most characters of one tool result the model reads; None for no cap."""
    structured_output_retries: int = 1
    retry: RetryPolicy | None = None
    fallback_models: Sequence[str | Mapping[str, Any]] = ()
    deadline: float | None = None
    usage_limits: UsageLimits | None = None
    provider_options: Mapping[str, Any] = field(default_factory=_empty)


@dataclass(slots=True, kw_only=True)
class GenerationContext:
    """The state of one generation, shared by every stage of the pipeline."""

    request: GenerationRequest
    run_id: str
    pipeline: Pipeline
    bus: EventBus
    hooks: HookRegistry
    tool_factory: ToolFactory | None = None
    messages: list[Message] = field(default_factory=list)
    tool_messages: list[Message] = field(default_factory=list)
    payloads: list[Any] = field(default_factory=list)
    tool_context: Mapping[str, Any] = field(default_factory=_empty)
    tool_session: ToolSession | None = None
    visible_tools: frozenset[str] | None = None
    """Tools the model was shown in the current iteration; dispatch refuses the others."""
    iteration: int = 0
    usage: Usage = field(default_factory=Usage)
    metadata: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)
    """Scratch space for custom middleware, keyed by the middleware's own names."""
    stream_sink: Callable[[str], Awaitable[None]] | None = None
    """Set when streaming: receives each text delta as the model produces it."""


@dataclass(slots=True, kw_only=True)
class ModelCall:
    """One request to a model, as it travels through the model-call stages."""

    ctx: GenerationContext
    model: str
    messages: list[Message]
    tools: list[dict[str, Any]] | None = None
    temperature: float | None = None
    max_output_tokens: int | None = None
    reasoning_effort: str | None = None
    response_format: Any = None
    web_search: bool | Mapping[str, Any] = False
    file_search: Mapping[str, Any] | None = None
    options: dict[str, Any] = field(default_factory=dict)
    """Provider options forwarded as they are (``api_base``, ``timeout``, ``api_key``, ...)."""
    stream: bool = False
    transport: Transport | None = None
    """Chosen by the routing stage; a stage placed before it may choose instead."""


@dataclass(frozen=True, slots=True)
class RequestedToolCall:
    """A tool call in a model's answer: id, name and the model's raw JSON arguments."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelResponse:
    """A model's answer in the Chat Completions shape, plus what the provider said about it."""

    message: Message
    usage: Usage | None = None
    finish_reason: str | None = None
    response_id: str | None = None
    response_model: str | None = None
    provider: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=_empty)

    @property
    def content(self) -> str | None:
        content = self.message.get("content")
        return content if isinstance(content, str) else None

    @property
    def tool_calls(self) -> list[RequestedToolCall]:
        return [
            RequestedToolCall(c["id"], c["function"]["name"], c["function"].get("arguments") or "")
            for c in self.message.get("tool_calls") or ()
        ]


@dataclass(slots=True, kw_only=True)
class ToolCall:
    """One tool invocation, as it travels through the tool-call stages."""

    id: str
    name: str
    arguments: str
    """The arguments as JSON text, exactly as the model (or nested caller) gave them."""
    ctx: GenerationContext | None = None
    tool_context: Mapping[str, Any] = field(default_factory=_empty)
    depth: int = 0
    iteration: int = 0
    mock: bool = False
    timeout: float | None = None

    def parsed_arguments(self) -> dict[str, Any]:
        """The arguments decoded; raises ``ValueError`` when they are not a JSON object."""
        value = json.loads(self.arguments) if self.arguments.strip() else {}
        if not isinstance(value, dict):
            raise ValueError(f"arguments must be a JSON object, got {type(value).__name__}")
        return value


ToolHandler = Callable[[ToolCall], Awaitable[ToolExecutionResult]]
ModelHandler = Callable[[ModelCall], Awaitable[ModelResponse]]
GenerationHandler = Callable[[GenerationContext], Awaitable[GenerationResult]]
