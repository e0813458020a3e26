"""Quickstart: one tool-using generation.

With ``LLM_MODEL`` set (e.g. ``anthropic/claude-sonnet-4``) and that provider's key in the
environment or a ``.env`` file, it talks to the real provider. Otherwise it runs offline
against the shipped loopback LLM server, scripted to answer like a model would, and says so.

    python examples/quickstart.py
"""

from __future__ import annotations

import os
from contextlib import ExitStack

import anyio

from llm_factory_toolkit import LLMClient, ToolFactory
from llm_factory_toolkit.testing import LoopbackLLMServer, Text, ToolCalls, ToolCallSpec


def get_weather(city: str, user_id: str) -> dict[str, object]:
    """Look up the weather; ``user_id`` comes from the server side, never from the model."""
    return {"city": city, "celsius": 21, "sky": "sunny", "requested_by": user_id}


def build_factory() -> ToolFactory:
    factory = ToolFactory()
    factory.register_tool(
        get_weather,
        description="Current weather for a city.",
        parameters={
            "type": "object",
            "properties": {"city": {"type": "string", "description": "City name"}},
            "required": ["city"],
        },
    )
    return factory


def offline_client(stack: ExitStack, factory: ToolFactory) -> LLMClient:
    """A client wired to a scripted local server: no key, no network."""
    server = stack.enter_context(LoopbackLLMServer())
    server.script(
        ToolCalls([ToolCallSpec("get_weather", {"city": "Paris"})]),
        Text("It is 21°C and sunny in Paris."),
    )
    print(f"No LLM_MODEL set: running offline against the loopback LLM server at {server.url}")
    return LLMClient(
        model="openai/loopback-model",
        api_key="offline",
        api_base=server.openai_base_url,
        tool_factory=factory,
    )


async def main() -> None:
    factory = build_factory()
    with ExitStack() as stack:
        model = os.environ.get("LLM_MODEL")
        client = (
            LLMClient(model=model, tool_factory=factory)
            if model
            else offline_client(stack, factory)
        )
        async with client:  # closes its HTTP connections at the end
            result = await client.generate(
                input=[{"role": "user", "content": "What's the weather in Paris?"}],
                tool_execution_context={"user_id": "u-42"},
            )
        print("Answer:", result.content)
        print("Tool payloads:", [p["payload"] for p in result.payloads])
        print("Tokens:", result.usage.input_tokens, "in,", result.usage.output_tokens, "out")


if __name__ == "__main__":
    anyio.run(main)
