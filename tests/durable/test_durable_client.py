"""DurableClient in the test process: results, stored data, approval, refusals."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from dbos import DBOS

from llm_factory_toolkit import LLMClient, ToolFactory
from llm_factory_toolkit.durable.dbos import DurableClient
from llm_factory_toolkit.exceptions import ConfigurationError, ServerError
from llm_factory_toolkit.pipeline.events import ToolCallDenied
from llm_factory_toolkit.testing import (
    Fail,
    LoopbackLLMServer,
    Text,
    ToolCalls,
    ToolCallSpec,
    capture_events,
)

from ..support import loopback_client, tool_results, weather_factory
from .workers import SECRET, stored_text

pytestmark = pytest.mark.anyio
on_asyncio = pytest.mark.parametrize("anyio_backend", ["asyncio"])


def durable_client(client: LLMClient, **options: Any) -> DurableClient:
    """A durable client under a name no other test registered (DBOS keeps them all)."""
    return DurableClient(client, name=f"test-{uuid.uuid4().hex[:8]}", **options)


@contextmanager
def launched(database: Path) -> Iterator[None]:
    url = f"sqlite:///{database}"
    DBOS(config={"name": "durable-tests", "system_database_url": url, "log_level": "WARNING"})
    DBOS.launch()
    try:
        yield
    finally:
        DBOS.destroy()


def token_factory(seen: list[str]) -> ToolFactory:
    """``get_weather(city)`` that needs the tenant's ``api_token`` (injected, never shown)."""

    def get_weather(city: str, api_token: str) -> dict[str, object]:
        seen.append(f"{city}:{api_token == SECRET}")
        return {"city": city, "celsius": 21}

    factory = ToolFactory()
    factory.register_tool(
        get_weather,
        description="Current weather for a city.",
        parameters={"type": "object", "properties": {"city": {"type": "string"}}},
    )
    return factory


@on_asyncio
async def test_a_durable_generation_stores_its_steps_but_never_the_tool_context(
    server: LoopbackLLMServer, tmp_path: Path
) -> None:
    server.script(ToolCalls([ToolCallSpec("get_weather", {"city": "Paris"})]), Text("21°C."))
    seen: list[str] = []
    client = loopback_client(server, "openai/loopback-model", tool_factory=token_factory(seen))
    durable = durable_client(client, contexts={"tenant": lambda: {"api_token": SECRET}})
    with launched(tmp_path / "dbos.sqlite"):
        result = await durable.generate("Weather?", "run-1", tool_execution_context="tenant")
        again = await durable.result("run-1")
    assert (result.content, again.content) == ("21°C.", "21°C.")
    assert again.tool_messages == result.tool_messages and len(result.tool_messages) == 2
    assert seen == ["Paris:True"] and len(server.requests) == 2
    stored = stored_text(tmp_path / "dbos.sqlite")
    assert "Weather?" in stored and '"celsius": 21' in stored  # the scan sees the steps
    assert SECRET not in stored


@on_asyncio
async def test_an_approval_runs_the_approved_call_and_denies_the_other(
    server: LoopbackLLMServer, tmp_path: Path
) -> None:
    server.script(
        ToolCalls(
            [
                ToolCallSpec("get_weather", {"city": "Paris"}),
                ToolCallSpec("get_weather", {"city": "Oslo"}),
            ]
        ),
        Text("Paris is 21°C; Oslo was refused."),
    )
    cities: list[str] = []
    factory = weather_factory(calls=cities)
    client = loopback_client(server, "openai/loopback-model", tool_factory=factory)
    durable = durable_client(client)
    with launched(tmp_path / "dbos.sqlite"), capture_events(client.events) as events:
        workflow_id = await durable.start_with_approval("Weather in Paris and Oslo?")
        plan = await durable.planned_calls(workflow_id)
        assert plan is not None and plan.tool_calls is not None
        paris, oslo = plan.tool_calls
        assert cities == []  # nothing runs before the decision
        await durable.approve(workflow_id, approved=[paris.id], rejected={oslo.id: "not Oslo"})
        result = await durable.result(workflow_id)
    assert cities == ["Paris"]
    answered = tool_results(server.requests[1])
    assert '"celsius": 21' in answered[paris.id]
    assert "denied: not Oslo" in answered[oslo.id]
    assert result.content == "Paris is 21°C; Oslo was refused."
    assert [m.get("tool_call_id") for m in result.tool_messages[1:]] == [paris.id, oslo.id]
    (denial,) = events.of(ToolCallDenied)
    assert (denial.tool_call_id, denial.reason) == (oslo.id, "not Oslo")


@on_asyncio
async def test_a_failed_model_call_is_recorded_once_and_not_retried_by_dbos(
    server: LoopbackLLMServer, tmp_path: Path
) -> None:
    server.script(Fail(503, "overloaded"))
    durable = durable_client(loopback_client(server, "openai/loopback-model"))
    with launched(tmp_path / "dbos.sqlite"):
        with pytest.raises(ServerError, match="overloaded") as first:
            await durable.generate("hi", "failing")
        with pytest.raises(ServerError, match="overloaded") as again:
            await durable.result("failing")
    assert len(server.requests) == 1  # no step retry stacked on the toolkit's own policy
    assert again.value.transcript == first.value.transcript == [{"role": "user", "content": "hi"}]


@on_asyncio
async def test_what_cannot_be_stored_is_refused_before_anything_starts(
    server: LoopbackLLMServer,
) -> None:
    durable = durable_client(loopback_client(server, "openai/loopback-model"))
    with pytest.raises(ConfigurationError, match="name of a context"):
        await durable.start("hi", tool_execution_context={"api_token": SECRET})
    with pytest.raises(ConfigurationError, match="no tool execution context"):
        await durable.start("hi", tool_execution_context="missing")
    with pytest.raises(ConfigurationError, match="stored as JSON"):
        await durable.start("hi", response_format=object())
    with pytest.raises(ConfigurationError, match="do not take stream"):
        await durable.start("hi", stream=True)
    with pytest.raises(ConfigurationError, match="do not take api_key"):
        await durable.start("hi", api_key="sk-live")
    dynamic = loopback_client(
        server, "openai/m", tool_factory=weather_factory(), dynamic_tool_loading=True
    )
    with pytest.raises(ConfigurationError, match="dynamic tool loading"):
        durable_client(dynamic)
    assert server.requests == []


@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_under_trio_a_durable_client_says_it_needs_asyncio(
    server: LoopbackLLMServer,
) -> None:
    durable = durable_client(loopback_client(server, "openai/loopback-model"))
    with pytest.raises(ConfigurationError, match="asyncio only"):
        await durable.generate("hi")
    with pytest.raises(ConfigurationError, match="asyncio only"):
        await durable.result("any")
    with pytest.raises(ConfigurationError, match="asyncio only"):
        await durable.approve("any", approved=["call_1"])
    assert server.requests == []
