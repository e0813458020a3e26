"""Tool dispatch throughput: the toolkit's paths against calling the function directly.

No model and no HTTP: only the cost of running one tool call, on asyncio and on trio.

  direct              await add(a=1, b=2, user_id=...) / add(...) in the caller's thread
  dispatch_tool       ToolFactory.dispatch_tool: JSON decode, validation, injection, result
  stack               Pipeline.call_tool through the default stack (tracing, logging,
                      hooks, mock, usage stages and ToolCall events), nobody listening
  stack+hooks+events  the same with a before hook, an after hook and a catch-all observer

The async tool's schema comes from its signature (Pydantic validation); "dict schema" is the
same tool with a JSON Schema dict (jsonschema validation). The sync tool runs in a worker
thread, as dispatch always does for sync tools.

    python benchmarks/bench_dispatch.py --n 5000 --reps 7
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio

from llm_factory_toolkit import LLMClient, ToolCall, ToolFactory
from llm_factory_toolkit.core.calls import GenerationContext, GenerationRequest

ARGS = '{"a": 1, "b": 2}'
CONTEXT = {"user_id": "u-1", "db": object()}
SCHEMA = {
    "type": "object",
    "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
    "required": ["a", "b"],
}


async def add(a: int, b: int, user_id: str) -> dict[str, Any]:
    return {"sum": a + b, "user": user_id}


def add_sync(a: int, b: int, user_id: str) -> dict[str, Any]:
    return {"sum": a + b, "user": user_id}


def build_factory() -> ToolFactory:
    factory = ToolFactory()
    factory.register_tool(add, context_params=["user_id"])
    factory.register_tool(add, name="add_dict", parameters=SCHEMA)
    factory.register_tool(add_sync, context_params=["user_id"])
    return factory


def stack_context(factory: ToolFactory, observed: bool) -> GenerationContext:
    client = LLMClient(model="openai/bench", tool_factory=factory)
    if observed:
        client.hooks.before_tool_call(lambda call: None)
        client.hooks.after_tool_call(lambda call, result: None)
        client.events.subscribe_all(lambda event: None)
    ctx = GenerationContext(
        request=GenerationRequest(messages=(), model="openai/bench"),
        run_id="bench",
        pipeline=client.pipeline,
        bus=client.events,
        hooks=client.hooks,
        tool_factory=factory,
    )
    ctx.tool_context = CONTEXT
    return ctx


def variants() -> dict[str, Callable[[], Awaitable[Any]]]:
    factory = build_factory()
    plain, observed = stack_context(factory, False), stack_context(factory, True)

    async def direct_sync() -> Any:
        return add_sync(a=1, b=2, user_id="u-1")

    def through(ctx: GenerationContext, name: str) -> Callable[[], Awaitable[Any]]:
        return lambda: ctx.pipeline.call_tool(
            ToolCall(id="c", name=name, arguments=ARGS, ctx=ctx, tool_context=CONTEXT)
        )

    return {
        "direct (async)": lambda: add(a=1, b=2, user_id="u-1"),
        "direct (sync)": direct_sync,
        "dispatch_tool (async)": lambda: factory.dispatch_tool("add", ARGS, CONTEXT),
        "dispatch_tool (async, dict schema)": lambda: factory.dispatch_tool(
            "add_dict", ARGS, CONTEXT
        ),
        "dispatch_tool (sync, thread)": lambda: factory.dispatch_tool("add_sync", ARGS, CONTEXT),
        "stack (async)": through(plain, "add"),
        "stack+hooks+events (async)": through(observed, "add"),
        "stack+hooks+events (sync, thread)": through(observed, "add_sync"),
    }


async def per_call_us(call: Callable[[], Awaitable[Any]], n: int) -> float:
    for _ in range(min(n, 200)):  # warm caches, thread pool, lazy imports
        await call()
    started = time.perf_counter()
    for _ in range(n):
        await call()
    return (time.perf_counter() - started) / n * 1e6


async def run(n: int, reps: int) -> dict[str, float]:
    """The best of ``reps`` measurements per variant: the least disturbed by other load."""
    best: dict[str, float] = {}
    for name, call in variants().items():
        best[name] = min([await per_call_us(call, n) for _ in range(reps)])
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="calls per measurement")
    parser.add_argument("--reps", type=int, default=7, help="measurements per variant")
    options = parser.parse_args()
    results = {
        backend: anyio.run(run, options.n, options.reps, backend=backend)
        for backend in ("asyncio", "trio")
    }
    print("| variant | asyncio us/call | trio us/call | asyncio calls/s | trio calls/s |")
    print("|---|---:|---:|---:|---:|")
    for name in results["asyncio"]:
        a, t = results["asyncio"][name], results["trio"][name]
        print(f"| {name} | {a:.1f} | {t:.1f} | {1e6 / a:,.0f} | {1e6 / t:,.0f} |")


if __name__ == "__main__":
    main()
