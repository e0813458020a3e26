"""Tool intent planning: ask the model which tools it would call; run them once approved.

``plan_tool_calls`` is a generation core that makes one model call, through every stage, so
the model is offered exactly the tools ``generate()`` would offer, and returns without
running a tool. ``intent_from`` reads the planned calls from that result. ``execute_intents``
runs approved calls through the tool stages, so authorization hooks, mock mode, usage
counting and events apply exactly as in a generation.
"""

from __future__ import annotations

import json
from types import MappingProxyType

from ..pipeline.context import GenerationContext, ModelResponse, RequestedToolCall, ToolCall
from ..pipeline.loop import finish, new_model_call, run_tool_calls, tool_call_for
from .models import GenerationResult, Message, ParsedToolCall, ToolIntentOutput


async def plan_tool_calls(ctx: GenerationContext) -> GenerationResult:
    """One model call; the tool calls it asks for are returned, not run."""
    ctx.iteration = 1
    response = await ctx.pipeline.call_model(new_model_call(ctx))
    ctx.messages.append(response.message)
    return finish(ctx, response, response.finish_reason or "stop")


def intent_from(
    result: GenerationResult, offered_tools: frozenset[str] | None = None
) -> ToolIntentOutput:
    """The planned calls of a ``plan_tool_calls`` result, arguments decoded where possible,
    with the tools the planning call offered (only those may run)."""
    message = result.messages[-1] if result.messages else {"role": "assistant", "content": None}
    planned = [parse_tool_call(item) for item in ModelResponse(message=message).tool_calls]
    content = message.get("content")
    return ToolIntentOutput(
        content=content if isinstance(content, str) and content else None,
        tool_calls=planned or None,
        raw_assistant_message=[message],
        offered_tools=offered_tools,
    )


def parse_tool_call(item: RequestedToolCall) -> ParsedToolCall:
    """The call with its arguments as a dict, or the raw text and why it did not decode."""
    try:
        arguments = ToolCall(
            id=item.id, name=item.name, arguments=item.arguments
        ).parsed_arguments()
    except ValueError as exc:
        return ParsedToolCall(item.id, item.name, item.arguments, f"{type(exc).__name__}: {exc}")
    return ParsedToolCall(item.id, item.name, arguments)


class _Skipped(Exception):
    """A planned call that cannot run; ``content`` is the tool message saying why."""

    def __init__(self, content: dict[str, object]) -> None:
        super().__init__(content["error"])
        self.content = json.dumps(content, default=str)


async def execute_intents(ctx: GenerationContext, intent: ToolIntentOutput) -> list[Message]:
    """Run the planned calls (concurrently, bounded); one tool message each, in plan order.

    A call whose arguments did not decode at planning is skipped, with a message saying so;
    a call to a tool the planning call did not offer is denied by the visibility stage.
    """
    ctx.visible_tools = intent.offered_tools
    ctx.tool_context = MappingProxyType(dict(ctx.request.tool_execution_context))
    planned = list(intent.tool_calls or ())
    contents: dict[int, str] = {}
    runnable: dict[int, ToolCall] = {}
    for index, parsed in enumerate(planned):
        try:
            runnable[index] = tool_call_for(
                ctx, RequestedToolCall(parsed.id, parsed.name, _json(parsed))
            )
        except _Skipped as skipped:
            contents[index] = skipped.content
    results = await run_tool_calls(ctx, list(runnable.values()))
    contents.update(zip(runnable, (result.content for result in results), strict=True))
    return [
        {"role": "tool", "tool_call_id": parsed.id, "name": parsed.name, "content": contents[index]}
        for index, parsed in enumerate(planned)
    ]


def _json(parsed: ParsedToolCall) -> str:
    """The arguments as JSON text for dispatch; raises ``_Skipped`` when they cannot be."""
    if parsed.arguments_parsing_error:
        raise _Skipped(
            {
                "error": f"Tool '{parsed.name}' skipped due to argument parsing error "
                "during planning.",
                "details": parsed.arguments_parsing_error,
                "received_arguments": parsed.arguments,
            }
        )
    if isinstance(parsed.arguments, str):
        return parsed.arguments
    try:
        return json.dumps(parsed.arguments or {})
    except (TypeError, ValueError) as exc:
        raise _Skipped(
            {"error": f"Failed to serialise arguments for tool '{parsed.name}': {exc}"}
        ) from None
