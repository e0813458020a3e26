"""MCP tools: a generation that calls the tools of an MCP server, on trio.

The MCP server is this same file run as ``python examples/mcp_tools.py serve``: a
``ToolFactory`` exposed with ``llm_factory_toolkit.mcp.serve``. The client starts it on first
use and stops it when ``async with client:`` ends. With ``LLM_MODEL`` set (and that provider's
key), a real model chooses the calls; otherwise it runs offline against the shipped loopback
LLM server, scripted to answer like a model would, and says so.

    python examples/mcp_tools.py
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack

import anyio

from llm_factory_toolkit import LLMClient, ToolFactory
from llm_factory_toolkit.mcp import MCPServerStdio, serve
from llm_factory_toolkit.testing import LoopbackLLMServer, Text, ToolCalls, ToolCallSpec

RATES = {("EUR", "USD"): 1.08, ("EUR", "GBP"): 0.85}


def exchange_rate(base: str, quote: str) -> dict[str, object]:
    """The exchange rate from one currency to another."""
    return {"base": base, "quote": quote, "rate": RATES[(base, quote)]}


def rates_factory() -> ToolFactory:
    factory = ToolFactory()
    factory.register_tool(exchange_rate)
    return factory


def rates_server() -> MCPServerStdio:
    """This file as an MCP server; the child sees the packages this process sees."""
    return MCPServerStdio(
        sys.executable,
        [__file__, "serve"],
        env={"PYTHONPATH": os.pathsep.join(sys.path)},
        name="rates",
    )


def offline_client(stack: ExitStack) -> LLMClient:
    """A client wired to a scripted local LLM server: no key, no network."""
    llm = stack.enter_context(LoopbackLLMServer())
    llm.script(
        ToolCalls([ToolCallSpec("exchange_rate", {"base": "EUR", "quote": "USD"})]),
        Text("100 EUR is 108 USD."),
    )
    print(f"No LLM_MODEL set: running offline against the loopback LLM server at {llm.url}")
    return LLMClient(
        model="openai/loopback-model",
        api_key="offline",
        api_base=llm.openai_base_url,
        mcp_servers=[rates_server()],
    )


async def main() -> None:
    with ExitStack() as stack:
        model = os.environ.get("LLM_MODEL")
        client = (
            LLMClient(model=model, mcp_servers=[rates_server()]) if model else offline_client(stack)
        )
        async with client:
            result = await client.generate(input="How many dollars is 100 euros?")
        assert client.tool_factory is not None
        print("Answer:", result.content)
        print("MCP tools offered:", client.tool_factory.available_tool_names)
        for payload in result.payloads:
            output = payload["payload"]
            print(f"Tool {output.tool} on MCP server {output.server!r} said: {output.text}")


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        anyio.run(serve, rates_factory())
    else:
        anyio.run(main, backend="trio")
