"""Authorization with hooks: deny tool calls the user may not make, redact what tools return.

- A before-tool hook raises ``ToolCallDenied(reason)``: the tool never runs, the model reads
  a tool result saying the call was denied (and why), and observers get a ``ToolCallRejected``
  event. The hook reads the caller's role from ``tool_execution_context``, which the model
  never sees, so the model cannot talk its way past it.
- An after-tool hook returns a replacement ``ToolExecutionResult``: here, e-mail addresses
  are masked before the model reads a result.

With ``LLM_MODEL`` set (and that provider's key in the environment) it talks to the real
provider; otherwise it runs offline against the shipped loopback LLM server, scripted to ask
for both tools.

    python examples/authorization_hook.py
"""

from __future__ import annotations

import os
import re
from contextlib import ExitStack

import anyio

from llm_factory_toolkit import (
    GenerationResult,
    LLMClient,
    ToolCall,
    ToolCallDenied,
    ToolExecutionResult,
    ToolFactory,
)
from llm_factory_toolkit.events import ToolCallRejected
from llm_factory_toolkit.testing import LoopbackLLMServer, Text, ToolCalls, ToolCallSpec

ADMIN_ONLY = {"delete_customer"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def find_customer(name: str) -> dict[str, str]:
    """Find a customer by name."""
    return {"name": name, "email": f"{name.lower()}@example.com", "plan": "pro"}


def delete_customer(name: str) -> str:
    """Delete a customer and all their data."""
    raise RuntimeError("the authorization hook should have stopped this call")


def authorize(call: ToolCall) -> None:
    """Before every tool call: only admins may run the admin-only tools."""
    if call.name in ADMIN_ONLY and call.tool_context.get("role") != "admin":
        raise ToolCallDenied(f"'{call.name}' needs the admin role")


def mask_emails(call: ToolCall, result: ToolExecutionResult) -> ToolExecutionResult:
    """After every tool call: the model reads results with e-mail addresses masked."""
    return ToolExecutionResult(
        content=EMAIL.sub("<email>", result.content),
        payload=result.payload,  # the application still gets the unmasked data
        metadata=result.metadata,
        error=result.error,
    )


def build_client(model: str | None, stack: ExitStack) -> LLMClient:
    factory = ToolFactory()
    factory.register_tool(find_customer)
    factory.register_tool(delete_customer)
    if model:
        return LLMClient(model=model, tool_factory=factory)
    server = stack.enter_context(LoopbackLLMServer())
    server.script(
        ToolCalls(
            [
                ToolCallSpec("find_customer", {"name": "Ada"}),
                ToolCallSpec("delete_customer", {"name": "Ada"}),
            ]
        ),
        Text("I found Ada, but I am not allowed to delete her account."),
    )
    print(f"No LLM_MODEL set: running offline against the loopback LLM server at {server.url}")
    return LLMClient(
        model="openai/loopback-model",
        api_key="offline",
        api_base=server.openai_base_url,
        tool_factory=factory,
    )


async def main() -> GenerationResult:
    with ExitStack() as stack:
        client = build_client(os.environ.get("LLM_MODEL"), stack)
        client.hooks.before_tool_call(authorize)
        client.hooks.after_tool_call(mask_emails)
        client.events.subscribe(
            ToolCallRejected, lambda event: print(f"Denied {event.tool_name}: {event.reason}")
        )
        async with client:  # closes its HTTP connections at the end
            result = await client.generate(
                input="Look up Ada, then delete her account.",
                tool_execution_context={"role": "support"},
            )
    for message in result.tool_messages:
        if message["role"] == "tool":
            print(f"The model read from {message['name']}: {message['content']}")
    print("Answer:", result.content)
    return result


if __name__ == "__main__":
    anyio.run(main)
