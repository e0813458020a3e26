"""Mistakes mypy must catch; each marked line carries the error code it must raise."""

from __future__ import annotations

from llm_factory_toolkit import LLMClient, ModelCall, ToolCall, ToolContext
from llm_factory_toolkit.pipeline import ModelHandler

client = LLMClient()


def wrong_count(call: ToolCall, extra: int) -> None: ...


def wrong_kind(call: ModelCall) -> None: ...


def wrong_after(call: ToolCall) -> None: ...


client.hooks.before_tool_call(wrong_count)  # E: type-var
client.hooks.before_tool_call(wrong_kind)  # E: type-var
client.hooks.after_tool_call(wrong_after)  # E: type-var


class Misspelt:
    async def wrap_tool_calls(self, call: ToolCall, call_next: object) -> object:
        return None


class WrongSignature:
    async def wrap_model_call(self, call: ToolCall, call_next: ModelHandler) -> None:
        return None


LLMClient(middleware=[Misspelt()])  # E: list-item
LLMClient(stack=[WrongSignature()])  # E: list-item
client.add_middleware(Misspelt())  # E: arg-type


async def wrong_content(client: LLMClient) -> None:
    from pydantic import BaseModel

    class Ticket(BaseModel):
        title: str

    result = await client.generate("x", response_format=Ticket)
    print(result.content.priority)  # E: attr-defined
    text = await client.generate("x")
    text.content.upper()  # E: union-attr


async def wrong_options(client: LLMClient) -> None:
    await client.generate("x", tool_execution_contxt={"api_token": "t"})  # E: call-overload
    await client.generate("x", temperature="hot")  # E: call-overload
    await client.generate_tool_intent("x", use_tool=["a"])  # E: call-arg
    LLMClient(api_bse="http://127.0.0.1")  # E: call-arg
    client.stream("x", deadlin=3.0)  # E: call-overload
    await client.generate("x", retry=3)  # E: call-overload


def wrong_deps_use(ctx: ToolContext[int]) -> None:
    print(ctx.deps.upper())  # E: attr-defined
