"""A custom stage and an observer, on trio.

- ``TimingMiddleware`` wraps every model call and every tool call (two of the three levels a
  stage may define) and records how long each took.
- An observer subscribed to ``ToolCallFinished`` events prints each tool run as it ends.
- The whole run happens under trio; the same code runs under asyncio.

Runs offline against the shipped loopback LLM server (no key needed).

    python examples/custom_middleware.py
"""

from __future__ import annotations

import time

import anyio

from llm_factory_toolkit import (
    LLMClient,
    ModelCall,
    ModelResponse,
    ToolCall,
    ToolExecutionResult,
    ToolFactory,
)
from llm_factory_toolkit.events import ToolCallFinished
from llm_factory_toolkit.pipeline import ModelHandler, ToolHandler
from llm_factory_toolkit.testing import LoopbackLLMServer, Text, ToolCalls, ToolCallSpec


class TimingMiddleware:
    """Records the wall time of each model call and tool call."""

    def __init__(self) -> None:
        self.timings: list[tuple[str, float]] = []

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        started = time.perf_counter()
        try:
            return await call_next(call)
        finally:
            self.timings.append((f"model {call.model}", time.perf_counter() - started))

    async def wrap_tool_call(self, call: ToolCall, call_next: ToolHandler) -> ToolExecutionResult:
        started = time.perf_counter()
        try:
            return await call_next(call)
        finally:
            self.timings.append((f"tool {call.name}", time.perf_counter() - started))


def convert(amount: float, currency: str) -> dict[str, object]:
    """Convert euros to another currency at a fixed rate."""
    rates = {"USD": 1.08, "GBP": 0.85}
    return {"amount": round(amount * rates[currency], 2), "currency": currency}


async def main() -> None:
    factory = ToolFactory()
    factory.register_tool(convert)  # schema from the signature
    timing = TimingMiddleware()
    with LoopbackLLMServer() as server:
        server.script(
            ToolCalls(
                [
                    ToolCallSpec("convert", {"amount": 100, "currency": "USD"}),
                    ToolCallSpec("convert", {"amount": 100, "currency": "GBP"}),
                ]
            ),
            Text("100 EUR is 108 USD or 85 GBP."),
        )
        client = LLMClient(
            model="openai/loopback-model",
            api_key="offline",
            api_base=server.openai_base_url,
            tool_factory=factory,
            middleware=[timing],
        )
        client.events.subscribe(
            ToolCallFinished, lambda e: print(f"  event: {e.tool_name} finished ({e.tool_call_id})")
        )
        async with client:  # closes its HTTP connections at the end
            result = await client.generate(input="What is 100 EUR in USD and GBP?")
    print("Answer:", result.content)
    for label, seconds in timing.timings:
        print(f"  {label}: {seconds * 1000:.1f} ms")


if __name__ == "__main__":
    anyio.run(main, backend="trio")
