"""Replay without repeating what observers already saw.

After a crash the engine runs the workflow again from the top, answering each finished step
from its record. The stages run again (so routing, visibility and usage rebuild the run's
state), but the events and spans of those replayed calls were already emitted by the worker
that ran them. ``Replay`` counts the calls whose steps are recorded; ``ReplayingPipeline``
sends them through a quiet copy of the stack (no tracing, logging or metrics stages) with
events muted, and ``GatedBus`` drops every event until the replay has caught up.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypedDict

from ..middleware.logging import LoggingMiddleware
from ..middleware.metrics import MetricsMiddleware
from ..middleware.tracing import TracingMiddleware
from ..pipeline.bus import EventBus
from ..pipeline.context import (
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

_muted: ContextVar[bool] = ContextVar("llm_factory_toolkit_replay_muted", default=False)


@dataclass(slots=True)
class Replay:
    """How many of the run's next model and tool calls have a recorded step."""

    remaining: int

    @property
    def replaying(self) -> bool:
        return self.remaining > 0

    def take(self) -> bool:
        """Whether the call about to run is a replayed one (and count it)."""
        if self.remaining <= 0:
            return False
        self.remaining -= 1
        return True


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
        cores = (generation_core, model_core, tool_core)
        super().__init__(middleware, **_cores(*cores))
        quiet = [m for m in middleware if not isinstance(m, OBSERVABILITY_STAGES)]
        self._quiet = Pipeline(quiet, **_cores(*cores))
        self.replay = replay

    async def call_model(self, call: ModelCall) -> ModelResponse:
        if self.replay.take():
            with _muted_events():
                return await self._quiet.call_model(call)
        return await super().call_model(call)

    async def call_tool(self, call: ToolCall) -> ToolExecutionResult:
        if self.replay.take():
            with _muted_events():
                return await self._quiet.call_tool(call)
        return await super().call_tool(call)


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
