"""Replay without repeating what observers already saw.

After a crash the engine runs the workflow again from the top, answering each finished step
from its record. The stages run again (so routing, visibility and usage rebuild the run's
state), but the events and spans of those replayed calls were already emitted by the worker
that ran them. ``Replay`` counts the recorded steps still ahead; ``ReplayingPipeline`` sends
a call made while some remain through a quiet copy of the stack (no tracing, logging or
metrics stages) with events muted, and ``GatedBus`` drops every event until the replay has
caught up. (A tool round cut short by the crash is replayed quietly as a whole.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypedDict, TypeVar

from ..middleware.logging import LoggingMiddleware
from ..middleware.metrics import MetricsMiddleware
from ..middleware.tracing import TracingMiddleware
from ..pipeline.bus import EventBus
from ..pipeline.context import (
    GenerationContext,
    GenerationHandler,
    ModelCall,
    ModelHandler,
    ModelResponse,
    ToolCall,
    ToolHandler,
)
from ..pipeline.events import Event
from ..pipeline.stack import Pipeline
from ..tools.models import ToolExecutionResult

OBSERVABILITY_STAGES = (TracingMiddleware, LoggingMiddleware, MetricsMiddleware)
"""Stages that only report; a replayed call skips them, since it was reported when it ran."""

T = TypeVar("T")
R = TypeVar("R")

_muted: ContextVar[bool] = ContextVar("llm_factory_toolkit_replay_muted", default=False)


@dataclass(slots=True)
class Replay:
    """How many of the run's next steps (model and tool calls) are recorded.

    A call that starts while recorded steps remain is a replayed one: the engine replays a
    prefix of the steps, in order. Each step consumes one as it is invoked, so a call that
    made several (one per retry attempt) is counted right.
    """

    remaining: int

    @property
    def replaying(self) -> bool:
        return self.remaining > 0

    def consume(self) -> None:
        self.remaining = max(0, self.remaining - 1)


class GatedBus(EventBus):
    """Forwards events to ``inner`` except while replaying."""

    def __init__(self, inner: EventBus, replay: Replay) -> None:
        super().__init__()
        self.inner = inner
        self.replay = replay

    @property
    def has_observers(self) -> bool:
        return self.inner.has_observers

    async def emit(self, event: Event) -> None:
        if _muted.get() or self.replay.replaying:
            return
        await self.inner.emit(event)


class ReplayingPipeline(Pipeline):
    """A pipeline whose replayed model and tool calls run quietly."""

    def __init__(
        self,
        middleware: Sequence[object],
        *,
        generation_core: GenerationHandler,
        model_core: ModelHandler,
        tool_core: ToolHandler,
        replay: Replay,
    ) -> None:
        cores = (generation_core, _counted(replay, model_core), _counted(replay, tool_core))
        super().__init__(middleware, **_cores(*cores))
        quiet = [m for m in middleware if not isinstance(m, OBSERVABILITY_STAGES)]
        self._quiet = Pipeline(quiet, **_cores(*cores))
        self.replay = replay

    async def call_model(self, call: ModelCall) -> ModelResponse:
        if self.replay.replaying:
            with _muted_events():
                return await self._quiet.call_model(call)
        return await super().call_model(call)

    async def call_tool(self, call: ToolCall) -> ToolExecutionResult:
        if self.replay.replaying:
            with _muted_events():
                return await self._quiet.call_tool(call)
        return await super().call_tool(call)


def replay_quietly(
    ctx: GenerationContext,
    middleware: Sequence[object],
    replay: Replay,
    generation_core: GenerationHandler,
    model_core: ModelHandler,
    tool_core: ToolHandler,
) -> None:
    """Gate ``ctx``'s events and run its calls through a ``ReplayingPipeline``."""
    ctx.bus = GatedBus(ctx.bus, replay)
    ctx.pipeline = ReplayingPipeline(
        middleware,
        generation_core=generation_core,
        model_core=model_core,
        tool_core=tool_core,
        replay=replay,
    )


def _counted(replay: Replay, core: Callable[[T], Awaitable[R]]) -> Callable[[T], Awaitable[R]]:
    """``core``, consuming one recorded step each time it is invoked."""

    async def step(call: T) -> R:
        replay.consume()
        return await core(call)

    return step


class _Cores(TypedDict):
    generation_core: GenerationHandler
    model_core: ModelHandler
    tool_core: ToolHandler


def _cores(generation: GenerationHandler, model: ModelHandler, tool: ToolHandler) -> _Cores:
    return {"generation_core": generation, "model_core": model, "tool_core": tool}


@contextmanager
def _muted_events() -> Iterator[None]:
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)
