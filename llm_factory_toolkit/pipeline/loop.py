"""The agent loop: call the model, run the tools it asked for, repeat.

It is the core of the generation onion. Each step is a small function; everything that can
vary (which tools are visible, which provider answers, how tools run) is decided by stages.
"""

from __future__ import annotations

import anyio

from ..exceptions import ConfigurationError
from ..tools.models import GenerationResult, Message, ToolExecutionResult
from . import events as ev
from .context import GenerationContext, ModelCall, ModelResponse, RequestedToolCall, ToolCall


async def run_agent_loop(ctx: GenerationContext) -> GenerationResult:
    """Alternate model calls and tool rounds until the model answers without tool calls.

    At most ``max_tool_iterations`` rounds run. When the last one still asked for tools, they
    are run (so the transcript stays valid) and the result says ``max_tool_iterations``. With
    0, the model answers once and no tool runs.
    """
    if ctx.request.max_tool_iterations == 0:
        return await _answer_without_tools(ctx)
    response: ModelResponse | None = None
    model = ctx.request.model
    for _ in range(ctx.request.max_tool_iterations):
        ctx.iteration += 1
        call = new_model_call(ctx)
        response = await ctx.pipeline.call_model(call)
        model = call.model
        ctx.messages.append(response.message)
        requested = response.tool_calls
        if not requested:
            return finish(ctx, response, response.finish_reason or "stop", model)
        ctx.tool_messages.append(response.message)
        await run_tool_round(ctx, requested)
    return finish(ctx, response, "max_tool_iterations", model)


async def _answer_without_tools(ctx: GenerationContext) -> GenerationResult:
    """One model call; tool calls it asks for are left unanswered, none runs."""
    ctx.iteration += 1
    response = await ctx.pipeline.call_model(new_model_call(ctx))
    ctx.messages.append(response.message)
    reason = "max_tool_iterations" if response.tool_calls else response.finish_reason or "stop"
    return finish(ctx, response, reason)


def checked_iterations(value: object) -> int:
    """``max_tool_iterations`` as given, or ``ConfigurationError`` unless an int >= 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(
            f"max_tool_iterations must be an integer >= 0 (0: no tool round), got {value!r}"
        )
    return value


def new_model_call(ctx: GenerationContext) -> ModelCall:
    """The model call for the current iteration, before any stage has touched it."""
    request = ctx.request
    return ModelCall(
        ctx=ctx,
        model=request.model,
        messages=list(ctx.messages),
        temperature=request.temperature,
        max_output_tokens=request.max_output_tokens,
        reasoning_effort=request.reasoning_effort,
        response_format=request.response_format,
        web_search=request.web_search,
        file_search=request.file_search,
        options=dict(request.provider_options),
        stream=request.stream,
    )


async def run_tool_round(ctx: GenerationContext, requested: list[RequestedToolCall]) -> None:
    """Run one turn's tool calls concurrently (bounded); append their messages in call order."""
    for item in requested:
        await ctx.bus.emit(
            ev.ToolCallRequested(
                run_id=ctx.run_id,
                iteration=ctx.iteration,
                tool_call_id=item.id,
                tool_name=item.name,
                arguments=item.arguments,
            )
        )
    results = await run_tool_calls(ctx, [tool_call_for(ctx, item) for item in requested])
    for item, result in zip(requested, results, strict=True):
        record_tool_result(ctx, item, result)


def tool_call_for(ctx: GenerationContext, item: RequestedToolCall) -> ToolCall:
    """The tool call for one of the model's requests, carrying the run's context."""
    return ToolCall(
        id=item.id,
        name=item.name,
        arguments=item.arguments,
        ctx=ctx,
        tool_context=ctx.tool_context,
        iteration=ctx.iteration,
        mock=ctx.request.mock_tools,
        timeout=ctx.request.tool_timeout,
    )


async def run_tool_calls(
    ctx: GenerationContext, calls: list[ToolCall]
) -> list[ToolExecutionResult]:
    """Run ``calls`` through the tool stages, at most ``max_concurrent_tools`` at a time."""
    if len(calls) == 1:
        return [await ctx.pipeline.call_tool(calls[0])]
    results: list[ToolExecutionResult | None] = [None] * len(calls)
    limiter = anyio.CapacityLimiter(max(1, ctx.request.max_concurrent_tools))

    async def run(index: int) -> None:
        async with limiter:
            results[index] = await ctx.pipeline.call_tool(calls[index])

    async with anyio.create_task_group() as group:
        for index in range(len(calls)):
            group.start_soon(run, index)
    return [r for r in results if r is not None]


def record_tool_result(
    ctx: GenerationContext, item: RequestedToolCall, result: ToolExecutionResult
) -> None:
    """Append the tool message to the transcript and keep the payload for the caller."""
    message: Message = {
        "role": "tool",
        "tool_call_id": item.id,
        "name": item.name,
        "content": result.content,
    }
    ctx.messages.append(message)
    ctx.tool_messages.append(message)
    if result.payload is not None:
        ctx.payloads.append(
            {"tool_name": item.name, "tool_call_id": item.id, "payload": result.payload}
        )


def finish(
    ctx: GenerationContext, response: ModelResponse | None, reason: str, model: str | None = None
) -> GenerationResult:
    """The result of the run so far; the transcript is always kept. ``model`` answered last
    (the stages leave the call naming it, a fallback included)."""
    return GenerationResult(
        content=response.content if response is not None else None,
        payloads=ctx.payloads,
        tool_messages=ctx.tool_messages,
        messages=list(ctx.messages),
        usage=ctx.usage,
        finish_reason=reason,
        iterations=ctx.iteration,
        metadata=ctx.metadata,
        model=model or ctx.request.model,
    )
