"""A tool's typed context: ``ctx.deps`` has the declared type; ``deps=`` takes any object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, assert_type

from llm_factory_toolkit import LLMClient, ToolContext, ToolFactory


@dataclass
class Deps:
    user_id: str


def whoami(ctx: ToolContext[Deps]) -> str:
    assert_type(ctx.deps, Deps)
    assert_type(ctx.tool_call_id, str)
    return ctx.deps.user_id


def untyped(ctx: ToolContext) -> str:
    assert_type(ctx.deps, Any)
    return "?"


async def main() -> None:
    factory = ToolFactory()
    factory.register_tool(whoami)
    client = LLMClient(tool_factory=factory)
    await client.generate("Who am I?", deps=Deps("u1"))
