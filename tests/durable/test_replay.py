"""The replay gate, without an engine: recorded steps are replayed quietly, the rest is not."""

from __future__ import annotations

import pytest

from llm_factory_toolkit import LLMClient
from llm_factory_toolkit.durable.replay import Replay, replay_quietly
from llm_factory_toolkit.middleware import dispatch_model_call
from llm_factory_toolkit.pipeline.context import ModelCall, ModelHandler, ModelResponse
from llm_factory_toolkit.pipeline.loop import run_agent_loop
from llm_factory_toolkit.testing import (
    ScriptedTransport,
    Text,
    ToolCalls,
    ToolCallSpec,
    capture_events,
)
from llm_factory_toolkit.tools.dispatch import execute_tool_call

from ..support import weather_factory

pytestmark = pytest.mark.anyio


class SendsFirstCallTwice:
    """Stands in for a retry stage: the first model call makes two attempts (two steps)."""

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        if call.ctx.iteration == 1:
            await call_next(call)
        return await call_next(call)


async def test_calls_with_recorded_steps_emit_nothing_and_the_rest_emit_as_usual() -> None:
    transport = ScriptedTransport(
        ToolCalls([ToolCallSpec("get_weather", {"city": "Paris"})]),
        ToolCalls([ToolCallSpec("get_weather", {"city": "Paris"})]),
        Text("21°C."),
    )
    client = LLMClient(model="openai/m", transport=transport, tool_factory=weather_factory())
    client.add_middleware(SendsFirstCallTwice())
    replay = Replay(3)  # both attempts of the first model call, and the tool call
    ctx = client._new_context(client._request("Weather?", None, False, {}))
    cores = (run_agent_loop, dispatch_model_call, execute_tool_call)
    replay_quietly(ctx, client.middleware, replay, *cores)
    with capture_events(client.events) as events:
        result = await ctx.pipeline.run_generation(ctx)
    assert result.content == "21°C."
    assert replay.remaining == 0
    assert [(e.kind, getattr(e, "iteration", None)) for e in events if "model" in e.kind] == [
        ("model_call.started", 2),
        ("model_call.finished", 2),
    ]
    assert not [e for e in events if e.kind.startswith("tool_call.")]
    assert events.kinds[-1] == "generation.finished"
