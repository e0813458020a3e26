"""Hooks and stacks as a user writes them: every form type-checks and keeps its type."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, assert_type

from llm_factory_toolkit import (
    LLMClient,
    ModelCall,
    ModelResponse,
    ToolCall,
    ToolCallDenied,
    ToolExecutionResult,
)
from llm_factory_toolkit.middleware import HooksMiddleware, MetricsMiddleware, default_middleware
from llm_factory_toolkit.pipeline import MiddlewareStack, ModelHandler, ToolHandler

client = LLMClient()


@client.hooks.before_tool_call
def authorize(call: ToolCall) -> None:
    if call.tool_context.get("role") != "admin":
        raise ToolCallDenied("admins only")


@client.hooks.before_tool_call(first=True)
async def audit(call: ToolCall) -> None:
    print(call.name)


@client.hooks.after_tool_call
def redact(call: ToolCall, result: ToolExecutionResult) -> ToolExecutionResult | None:
    return None


@client.hooks.before_model_call
def pin(call: ModelCall) -> None:
    call.temperature = 0.0


@client.hooks.after_model_call
async def inspect_reply(call: ModelCall, response: ModelResponse) -> ModelResponse | None:
    return response


def decorated_hooks_keep_their_types(call: ToolCall, result: ToolExecutionResult) -> None:
    assert_type(authorize(call), None)
    assert_type(audit(call), Coroutine[Any, Any, None]).close()
    assert_type(redact(call, result), ToolExecutionResult | None)


class Timing:
    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        return await call_next(call)

    async def wrap_tool_call(self, call: ToolCall, call_next: ToolHandler) -> ToolExecutionResult:
        return await call_next(call)


stack = default_middleware()
assert_type(stack, MiddlewareStack)
stack.insert_after(HooksMiddleware, Timing())
stack.remove(MetricsMiddleware)
LLMClient(stack=stack)
LLMClient(middleware=[Timing()]).add_middleware(Timing())
