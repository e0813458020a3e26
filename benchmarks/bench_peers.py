"""The same 2-round tool loop on the toolkit and its peers, against one local server.

The loop: the user asks for the weather, the model calls ``get_weather(city)``, the tool's
result goes back, the model answers. The loopback server (its own process, CPU 1) answers
with the tool call until a tool result is in the request, then with text. Each variant runs
in a fresh process pinned to CPU 0, variants interleaved over several repetitions; a child
reports the median latency of ``n`` loops in a row and the CPU of its process per loop.

  toolkit, toolkit-trio   LLMClient.generate (native Chat Completions route)
  pydantic-ai             Agent.run with OpenAIChatModel
  openai-agents           Runner.run with OpenAIChatCompletionsModel (tracing off)
  langchain               ChatOpenAI.bind_tools, the loop written out
  litellm                 litellm.acompletion, the loop written out
  openai-sdk              AsyncOpenAI chat.completions, the loop written out
  httpx                   raw JSON over httpx.AsyncClient, the loop written out

The peers come from the ``bench`` extra; a peer that is not installed is skipped.

    python benchmarks/bench_peers.py --reps 3 --n 100
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from _loopback import arguments, loopback_process, run_child

QUESTION = "What is the weather in Paris?"
RESPONDER = """
from llm_factory_toolkit.testing import Text, ToolCalls, ToolCallSpec

def respond(request):
    messages = (request.body or {}).get("messages", [])
    if any(message.get("role") == "tool" for message in messages):
        return Text("It is 21 degrees in Paris.")
    return ToolCalls([ToolCallSpec("get_weather", {"city": "Paris"})])

server.responder = respond
"""
VARIANTS = {
    "toolkit": None,
    "toolkit-trio": None,
    "pydantic-ai": "pydantic_ai",
    "openai-agents": "agents",
    "langchain": "langchain_openai",
    "litellm": "litellm",
    "openai-sdk": "openai",
    "httpx": "httpx",
}
TOOL_SCHEMA = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def get_weather(city: str) -> str:
    """Current weather for a city."""
    return json.dumps({"city": city, "celsius": 21})


def toolkit_loop(base: str) -> Callable[[], Awaitable[Any]]:
    from llm_factory_toolkit import LLMClient, ToolFactory

    tools = ToolFactory()
    tools.register_tool(get_weather, parameters=TOOL_SCHEMA["function"]["parameters"])
    client = LLMClient("openai/bench", api_key="k", api_base=base, tool_factory=tools)
    return lambda: client.generate(input=QUESTION)


def pydantic_ai_loop(base: str) -> Callable[[], Awaitable[Any]]:
    from pydantic_ai import Agent
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider

    model = OpenAIChatModel("bench", provider=OpenAIProvider(base_url=base, api_key="k"))
    agent = Agent(model, tools=[get_weather])
    return lambda: agent.run(QUESTION)


def openai_agents_loop(base: str) -> Callable[[], Awaitable[Any]]:
    from agents import (
        Agent,
        OpenAIChatCompletionsModel,
        Runner,
        function_tool,
        set_tracing_disabled,
    )
    from openai import AsyncOpenAI

    set_tracing_disabled(True)
    client = AsyncOpenAI(base_url=base, api_key="k", max_retries=0)
    model = OpenAIChatCompletionsModel(model="bench", openai_client=client)
    agent = Agent(name="weather", model=model, tools=[function_tool(get_weather)])
    return lambda: Runner.run(agent, QUESTION)


def langchain_loop(base: str) -> Callable[[], Awaitable[Any]]:
    from langchain_core.messages import HumanMessage, ToolMessage
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(model="bench", base_url=base, api_key="k", max_retries=0)
    llm = model.bind_tools([get_weather])

    async def loop() -> Any:
        messages: list[Any] = [HumanMessage(QUESTION)]
        while True:
            reply = await llm.ainvoke(messages)
            messages.append(reply)
            if not reply.tool_calls:
                return reply
            for call in reply.tool_calls:
                result = get_weather(**call["args"])
                messages.append(ToolMessage(result, tool_call_id=call["id"]))

    return loop


def chat_loop(complete: Callable[[list[dict[str, Any]]], Awaitable[dict[str, Any]]]) -> Any:
    """The tool loop written out over a function that returns the assistant message dict."""

    async def loop() -> Any:
        messages: list[dict[str, Any]] = [{"role": "user", "content": QUESTION}]
        while True:
            message = await complete(messages)
            messages.append(message)
            if not message.get("tool_calls"):
                return message
            for call in message["tool_calls"]:
                result = get_weather(**json.loads(call["function"]["arguments"]))
                messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})

    return loop


def openai_sdk_loop(base: str) -> Callable[[], Awaitable[Any]]:
    from openai import AsyncOpenAI

    client = AsyncOpenAI(base_url=base, api_key="k", max_retries=0)

    async def complete(messages: list[dict[str, Any]]) -> dict[str, Any]:
        reply = await client.chat.completions.create(
            model="bench",
            messages=messages,
            tools=[TOOL_SCHEMA],  # type: ignore[arg-type, list-item]
        )
        return dict(reply.choices[0].message.model_dump(exclude_none=True))

    return chat_loop(complete)


def litellm_loop(base: str) -> Callable[[], Awaitable[Any]]:
    os.environ.update(LITELLM_LOCAL_MODEL_COST_MAP="True", LITELLM_MODE="PRODUCTION")
    import litellm

    async def complete(messages: list[dict[str, Any]]) -> dict[str, Any]:
        reply = await litellm.acompletion(
            model="openai/bench",
            api_base=base,
            api_key="k",
            messages=messages,
            tools=[TOOL_SCHEMA],
            _skip_mcp_handler=True,
        )
        return dict(reply.choices[0].message.model_dump(exclude_none=True))

    return chat_loop(complete)


def httpx_loop(base: str) -> Callable[[], Awaitable[Any]]:
    import httpx

    client = httpx.AsyncClient(base_url=base, headers={"authorization": "Bearer k"})

    async def complete(messages: list[dict[str, Any]]) -> dict[str, Any]:
        body = {"model": "bench", "messages": messages, "tools": [TOOL_SCHEMA]}
        reply = (await client.post("/chat/completions", json=body)).json()
        return dict(reply["choices"][0]["message"])

    return chat_loop(complete)


BUILDERS: dict[str, Callable[[str], Callable[[], Awaitable[Any]]]] = {
    "toolkit": toolkit_loop,
    "toolkit-trio": toolkit_loop,
    "pydantic-ai": pydantic_ai_loop,
    "openai-agents": openai_agents_loop,
    "langchain": langchain_loop,
    "litellm": litellm_loop,
    "openai-sdk": openai_sdk_loop,
    "httpx": httpx_loop,
}


async def measure(loop: Callable[[], Awaitable[Any]], n: int) -> dict[str, float]:
    for _ in range(10):
        await loop()
    latencies = []
    started = time.process_time()
    for _ in range(n):
        begun = time.perf_counter()
        await loop()
        latencies.append(time.perf_counter() - begun)
    cpu_ms = (time.process_time() - started) / n * 1000
    return {"loop_ms": statistics.median(latencies) * 1000, "cpu_ms": cpu_ms}


def child(variant: str, url: str, n: int) -> None:
    import anyio

    backend = "trio" if variant.endswith("trio") else "asyncio"

    async def run() -> dict[str, float]:
        return await measure(BUILDERS[variant](url + "/v1"), n)

    print(json.dumps(anyio.run(run, backend=backend)))


def run_variant(variant: str, url: str, n: int) -> dict[str, float]:
    return run_child(__file__, variant, "--url", url, "--n", str(n))


def installed(variant: str) -> bool:
    module = VARIANTS[variant]
    return module is None or importlib.util.find_spec(module) is not None


def main() -> None:
    args = arguments(n=100, reps=3)
    if args.child:
        child(args.child, args.url, args.n)
        return
    variants = [v for v in VARIANTS if installed(v)]
    skipped = sorted(set(VARIANTS) - set(variants))
    runs: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
    with loopback_process(setup=RESPONDER) as url:
        for _ in range(args.reps):
            for variant in variants:
                runs[variant].append(run_variant(variant, url, args.n))
    report(runs, args, skipped)


def report(
    runs: dict[str, list[dict[str, float]]], args: argparse.Namespace, skipped: list[str]
) -> None:
    medians = {v: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for v, rs in runs.items()}
    sdk = medians.get("openai-sdk") or next(iter(medians.values()))
    print(f"reps={args.reps}, n={args.n} loops of 2 model calls; skipped: {skipped or 'none'}")
    print("| variant | loop median ms | ratio to openai-sdk | CPU ms per loop | ratio |")
    print("|---|---:|---:|---:|---:|")
    for variant, values in sorted(medians.items(), key=lambda item: item[1]["cpu_ms"]):
        loop, cpu = values["loop_ms"], values["cpu_ms"]
        print(
            f"| {variant} | {loop:.2f} | {loop / sdk['loop_ms']:.2f} | {cpu:.2f} | "
            f"{cpu / sdk['cpu_ms']:.2f} |"
        )


if __name__ == "__main__":
    main()
