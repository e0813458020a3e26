"""A worker process of the durable tests: ``python worker.py MODE CONFIG_JSON``.

Modes: ``crash`` starts a generation and stops for good (holding, waiting to be killed) after
its tool ran and before its second model call; ``resume`` launches DBOS, which resumes it, and
prints the result with the events and spans this process emitted; ``plan`` starts a
generation that waits for approval and holds once its plan is out; ``decide`` approves one
planned call, rejects the other and prints the result; ``enqueue`` puts
generations on a queue and prints their results; ``serve`` works the queue until its stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from dbos import DBOS
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from llm_factory_toolkit import LLMClient, Telemetry, ToolFactory
from llm_factory_toolkit.durable.dbos import DurableClient
from llm_factory_toolkit.pipeline.context import ModelCall

WORKFLOW_ID = "weather-paris"
APPROVAL_ID = "weather-approval"
QUEUE = "generations"
CITY = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}


def weather_tool(config: dict[str, Any]) -> ToolFactory:
    """``get_weather(city)``, injected with the tenant's token; each run is logged to a file."""
    log = Path(config["tool_log"])

    def get_weather(city: str, api_token: str) -> dict[str, object]:
        with log.open("a") as file:
            file.write(json.dumps({"city": city, "token_ok": api_token == config["secret"]}))
            file.write("\n")
        return {"city": city, "celsius": 21}

    factory = ToolFactory()
    factory.register_tool(get_weather, description="Current weather.", parameters=CITY)
    return factory


def durable_client(config: dict[str, Any], exporter: InMemorySpanExporter) -> DurableClient:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    client = LLMClient(
        model="openai/loopback-model",
        api_key="test",
        api_base=config["base_url"],
        max_retries=0,
        tool_factory=weather_tool(config),
        telemetry=Telemetry(tracer_provider=provider),
    )
    queue = QUEUE if config.get("queue") else None
    tenant = {"api_token": config["secret"]}
    return DurableClient(client, name="weather", queue=queue, contexts={"tenant": lambda: tenant})


async def crash(durable: DurableClient, config: dict[str, Any]) -> None:
    @durable.client.hooks.before_model_call
    async def hold(call: ModelCall) -> None:
        if call.ctx.iteration == 2:
            _mark(config["marker"])
            await asyncio.Event().wait()

    await durable.start("Weather in Paris?", WORKFLOW_ID, tool_execution_context="tenant")
    await asyncio.Event().wait()


async def plan(durable: DurableClient, config: dict[str, Any]) -> None:
    await durable.start_with_approval(
        "Weather in Paris and Oslo?", APPROVAL_ID, tool_execution_context="tenant"
    )
    assert await durable.planned_calls(APPROVAL_ID) is not None
    _mark(config["marker"])
    await asyncio.Event().wait()


async def decide(durable: DurableClient) -> None:
    planned = await durable.planned_calls(APPROVAL_ID)
    assert planned is not None and planned.tool_calls is not None
    paris, oslo = planned.tool_calls
    await durable.approve(APPROVAL_ID, approved=[paris.id], rejected={oslo.id: "not Oslo"})
    result = await durable.result(APPROVAL_ID)
    print(json.dumps({"content": result.content, "tool_messages": result.tool_messages}))


async def resume(durable: DurableClient, exporter: InMemorySpanExporter) -> None:
    events: list[str] = []
    durable.client.events.subscribe_all(lambda e: events.append(f"{e.kind}@{_iteration(e)}"))
    result = await durable.result(WORKFLOW_ID)
    spans = [span.name for span in exporter.get_finished_spans()]
    print(json.dumps({"content": result.content, "events": events, "spans": spans}))


def _iteration(event: object) -> object:
    return getattr(event, "iteration", None)


async def enqueue(durable: DurableClient, config: dict[str, Any]) -> None:
    ids = [f"job-{n}" for n in range(config["jobs"])]
    for job in ids:
        await durable.start(f"Say {job}", job)
    contents = [(await durable.result(job)).content for job in ids]
    statuses = await DBOS.list_workflows_async(workflow_ids=ids)
    executors = sorted({status.executor_id for status in statuses})
    print(json.dumps({"contents": contents, "executors": executors}))


async def serve() -> None:
    """Work the queue until the parent closes this process's stdin."""
    await asyncio.to_thread(sys.stdin.read)


def _mark(path: str) -> None:
    Path(path).write_text("the tool ran")


async def main(mode: str, config: dict[str, Any]) -> None:
    exporter = InMemorySpanExporter()
    durable = durable_client(config, exporter)
    DBOS(
        config={
            "name": "durable-tests",
            "system_database_url": config["database_url"],
            "executor_id": config.get("executor_id", "local"),
            "log_level": "WARNING",
        }
    )
    DBOS.launch()
    if config.get("queue"):
        await DBOS.register_queue_async(QUEUE, worker_concurrency=2, polling_interval_sec=0.1)
        _mark(config["marker"])
    if mode == "crash":
        await crash(durable, config)
    elif mode == "plan":
        await plan(durable, config)
    elif mode == "decide":
        await decide(durable)
    elif mode == "resume":
        await resume(durable, exporter)
    elif mode == "enqueue":
        await enqueue(durable, config)
    else:
        await serve()
    DBOS.destroy()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], json.loads(sys.argv[2])))
