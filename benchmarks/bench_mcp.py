"""MCP tool calls: the toolkit's path against the SDK's own client, on asyncio and on trio.

One stdio server (``tests/mcp/tool_server.py``, written with the SDK), its ``echo`` tool:

  sdk        mcp.Client.call_tool on a held connection (the raw SDK)
  toolkit    ToolFactory.dispatch_tool on a server held by ``async with server:``
             (JSON decode, schema validation, the MCP call, the result mapping)
  per-use    dispatch_tool without ``async with``: a connection (a server process) per call

    python benchmarks/bench_mcp.py --n 300 --reps 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
import mcp

from llm_factory_toolkit import ToolFactory
from llm_factory_toolkit.mcp import MCPServerStdio

SERVER = str(Path(__file__).parents[1] / "tests" / "mcp" / "tool_server.py")
Call = Callable[[], Awaitable[object]]


async def per_call_ms(call: Call, n: int) -> float:
    """Median milliseconds of one call over ``n`` sequential calls."""
    times = []
    for _ in range(n):
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def sdk(n: int) -> float:
    parameters = mcp.StdioServerParameters(command=sys.executable, args=[SERVER])
    async with mcp.Client(parameters, mode="legacy", cache=None) as client:
        return await per_call_ms(lambda: client.call_tool("echo", {"text": "x"}), n)


async def toolkit(n: int, held: bool = True) -> float:
    server = MCPServerStdio(sys.executable, [SERVER])
    factory = ToolFactory()
    toolset = factory.register_mcp_server(server)
    await toolset.refresh_if_stale()

    def call() -> Awaitable[object]:
        return factory.dispatch_tool("echo", '{"text": "x"}')

    if not held:
        return await per_call_ms(call, n)
    async with server:
        return await per_call_ms(call, n)


async def run(n: int, reps: int) -> dict[str, float]:
    rows: dict[str, list[float]] = {"sdk": [], "toolkit": [], "per-use": []}
    for _ in range(reps):
        rows["sdk"].append(await sdk(n))
        rows["toolkit"].append(await toolkit(n))
    rows["per-use"].append(await toolkit(3, held=False))
    return {name: statistics.median(values) for name, values in rows.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--reps", type=int, default=5)
    options = parser.parse_args()
    print("| backend | variant | median ms per call | ratio to sdk |")
    print("|---|---|---:|---:|")
    for backend in ("asyncio", "trio"):
        results = anyio.run(run, options.n, options.reps, backend=backend)
        for name, ms in results.items():
            print(f"| {backend} | {name} | {ms:.2f} | {ms / results['sdk']:.2f} |")


if __name__ == "__main__":
    main()
