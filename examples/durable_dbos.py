"""Durable generations on DBOS: every model call and tool call is a checkpointed step.

Runs offline against the shipped loopback LLM server, with DBOS's system database in a
temporary SQLite file (``DBOS_SYSTEM_DATABASE_URL`` to use another, e.g. PostgreSQL). It
runs one generation, reads its result again by workflow id, then plans two tool calls and
approves one of them. Kill a worker mid-generation and ``DBOS.launch()`` in the next one
resumes it: finished model calls are not sent again and finished tools do not run again.

    pip install 'llm-factory-toolkit[dbos]'
    python examples/durable_dbos.py
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from dbos import DBOS

from llm_factory_toolkit import LLMClient, ToolFactory
from llm_factory_toolkit.durable.dbos import DurableClient
from llm_factory_toolkit.testing import LoopbackLLMServer, Text, ToolCalls, ToolCallSpec

CITY = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}


def get_weather(city: str, api_token: str) -> dict[str, object]:
    """``api_token`` is injected from the tenant's context; it is never stored by DBOS."""
    assert api_token == "secret-token"
    return {"city": city, "celsius": 21}


def build_factory() -> ToolFactory:
    factory = ToolFactory()
    factory.register_tool(get_weather, description="Current weather.", parameters=CITY)
    return factory


def script(server: LoopbackLLMServer) -> None:
    paris = ToolCallSpec("get_weather", {"city": "Paris"})
    oslo = ToolCallSpec("get_weather", {"city": "Oslo"})
    server.script(
        ToolCalls([paris]),
        Text("It is 21°C in Paris."),
        ToolCalls([paris, oslo]),
        Text("Paris is 21°C; Oslo was not approved."),
    )


async def run(durable: DurableClient) -> None:
    result = await durable.generate(
        "Weather in Paris?", "weather-paris", tool_execution_context="tenant"
    )
    print("Answer:", result.content)
    print("Read again by workflow id:", (await durable.result("weather-paris")).content)

    workflow_id = await durable.start_with_approval(
        "Weather in Paris and Oslo?", tool_execution_context="tenant"
    )
    plan = await durable.planned_calls(workflow_id)
    assert plan is not None and plan.tool_calls
    print("Waiting for approval of:", [(call.name, call.arguments) for call in plan.tool_calls])
    paris, oslo = plan.tool_calls
    await durable.approve(workflow_id, approved=[paris.id], rejected={oslo.id: "not Oslo"})
    print("After approval:", (await durable.result(workflow_id)).content)


async def main() -> None:
    with LoopbackLLMServer() as server, tempfile.TemporaryDirectory() as directory:
        script(server)
        client = LLMClient(
            model="openai/loopback-model",
            api_key="offline",
            api_base=server.openai_base_url,
            tool_factory=build_factory(),
        )
        # Created before DBOS.launch(), with the same name in every worker.
        durable = DurableClient(
            client, name="weather", contexts={"tenant": lambda: {"api_token": "secret-token"}}
        )
        default_url = f"sqlite:///{Path(directory) / 'dbos.sqlite'}"
        url = os.environ.get("DBOS_SYSTEM_DATABASE_URL", default_url)
        DBOS(config={"name": "durable-example", "system_database_url": url, "log_level": "WARNING"})
        DBOS.launch()
        try:
            await run(durable)
        finally:
            DBOS.destroy()


if __name__ == "__main__":
    asyncio.run(main())
