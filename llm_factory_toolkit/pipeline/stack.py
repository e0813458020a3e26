"""The pipeline: one ordered list of middleware folded into three onions.

A middleware is any object with one or more of::

    async def wrap_generation(self, ctx, call_next) -> GenerationResult
    async def wrap_model_call(self, call, call_next) -> ModelResponse
    async def wrap_tool_call(self, call, call_next) -> ToolExecutionResult

For each level the pipeline folds the members that define it around the level's core, in
reverse, so the first middleware in the list is the outermost layer (Starlette's
``build_middleware_stack``). ``call_next`` is awaited in the caller's task, so context
variables (tracing spans, log bindings) flow through every layer.
"""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any, Protocol, TypeAlias, TypeVar

from ..core import observed
from ..core.calls import (
    GenerationContext,
    GenerationHandler,
    ModelCall,
    ModelHandler,
    ModelResponse,
    ToolCall,
    ToolHandler,
)
from ..core.results import GenerationResult, ToolExecutionResult

T = TypeVar("T")
R = TypeVar("R")


class GenerationMiddleware(Protocol):
    """A stage around whole generations."""

    async def wrap_generation(
        self, ctx: GenerationContext, call_next: GenerationHandler
    ) -> GenerationResult: ...


class ModelCallMiddleware(Protocol):
    """A stage around each model call."""

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse: ...


class ToolCallMiddleware(Protocol):
    """A stage around each tool call."""

    async def wrap_tool_call(
        self, call: ToolCall, call_next: ToolHandler
    ) -> ToolExecutionResult: ...


Middleware: TypeAlias = GenerationMiddleware | ModelCallMiddleware | ToolCallMiddleware
"""A stage: an object with one or more of the three ``wrap_*`` methods, checked by mypy."""


def build_onion(
    middleware: Sequence[object], level: str, core: Callable[[T], Awaitable[R]]
) -> Callable[[T], Awaitable[R]]:
    """Fold the members that define ``level`` around ``core``; the first is outermost."""
    handler = core
    for member in reversed(middleware):
        wrap = getattr(member, level, None)
        if wrap is not None:
            handler = partial(wrap, call_next=handler)
    return handler


class Pipeline:
    """Runs generations, model calls and tool calls through their onions, with events around.

    The events of each step are emitted here, outside the onions, so that a custom stack
    cannot lose them and observers see what the stages decided (a mock, a denial).
    """

    def __init__(
        self,
        middleware: Sequence[Middleware],
        *,
        generation_core: GenerationHandler,
        model_core: ModelHandler,
        tool_core: ToolHandler,
    ) -> None:
        self.middleware: tuple[Middleware, ...] = tuple(middleware)
        _check_members(self.middleware)
        self._generation = build_onion(self.middleware, "wrap_generation", generation_core)
        self._model = build_onion(self.middleware, "wrap_model_call", model_core)
        self._tool = build_onion(self.middleware, "wrap_tool_call", tool_core)

    async def run_generation(self, ctx: GenerationContext) -> GenerationResult:
        """Run one whole generation."""
        return await observed.generation(ctx, self._generation)

    async def call_model(self, call: ModelCall) -> ModelResponse:
        """Send one model call through the model-call stages."""
        return await observed.model_call(call, self._model)

    async def call_tool(self, call: ToolCall) -> ToolExecutionResult:
        """Run one tool call through the tool-call stages; never raises for tool problems."""
        return await observed.tool_call(call, self._tool)


_LEVELS = ("wrap_generation", "wrap_model_call", "wrap_tool_call")


def _check_members(middleware: Sequence[Any]) -> None:
    from ..exceptions import ConfigurationError

    for member in middleware:
        if isinstance(member, type):
            raise ConfigurationError(
                f"middleware {member.__name__} was passed as a class; pass an instance"
            )
        misspelt = _misspelt_levels(member)
        if misspelt:
            raise ConfigurationError(f"middleware {member!r} defines {misspelt}")
        if not any(callable(getattr(member, level, None)) for level in _LEVELS):
            raise ConfigurationError(f"middleware {member!r} defines none of {', '.join(_LEVELS)}")


def _misspelt_levels(member: object) -> str:
    """``"wrap_tool_calls (did you mean wrap_tool_call?)"`` for near misses of a level."""
    found = []
    for name in dir(type(member)):
        close = difflib.get_close_matches(name, _LEVELS, n=1, cutoff=0.85)
        if close and name not in _LEVELS:
            found.append(f"{name} (did you mean {close[0]}?)")
    return ", ".join(found)
