"""Reading Chat Completions answers (whole or streamed) into the toolkit's neutral shapes.

litellm's answers and the ``openai`` SDK's have the same shape, so both routes read them here.
"""

from __future__ import annotations

from typing import Any

from ..core.calls import ModelResponse
from ..core.results import Message, Usage
from ..exceptions import MalformedResponseError
from .assembly import new_tool_call_id
from .base import StreamDelta, ToolCallDelta
from .thinking_blocks import plain_blocks


def model_response_from(response: Any, *, model: str) -> ModelResponse:
    """A ``ModelResponse`` from a litellm ``ModelResponse``."""
    choices = getattr(response, "choices", None)
    if not choices:
        raise MalformedResponseError(f"the answer for model '{model}' has no choices", model=model)
    choice = choices[0]
    if getattr(choice, "message", None) is None:
        raise MalformedResponseError(f"the answer for model '{model}' has no message", model=model)
    hidden = getattr(response, "_hidden_params", None) or {}
    return ModelResponse(
        message=assistant_message_from(choice.message),
        usage=usage_from(getattr(response, "usage", None), hidden.get("response_cost")),
        finish_reason=choice.finish_reason,
        response_id=getattr(response, "id", None),
        response_model=getattr(response, "model", None),
        provider=hidden.get("custom_llm_provider"),
        metadata=provider_metadata(choice.message),
    )


def assistant_message_from(message: Any) -> Message:
    """The assistant message as a plain Chat Completions dict."""
    result: Message = {"role": "assistant", "content": message.content}
    tool_calls = getattr(message, "tool_calls", None)
    if tool_calls:
        result["tool_calls"] = [_message_call(call) for call in tool_calls]
    thinking = plain_blocks(getattr(message, "thinking_blocks", None))
    if thinking:
        result["thinking_blocks"] = thinking
    return result


def _message_call(call: Any) -> dict[str, Any]:
    function = getattr(call, "function", None)
    name = getattr(function, "name", None)
    if not name:
        raise MalformedResponseError("a tool call in the answer does not name its tool")
    return {
        "id": getattr(call, "id", None) or new_tool_call_id(),
        "type": "function",
        "function": {"name": name, "arguments": getattr(function, "arguments", None) or ""},
    }


def delta_from_chunk(chunk: Any) -> StreamDelta:
    """A ``StreamDelta`` from one litellm stream chunk."""
    choices = getattr(chunk, "choices", None) or ()
    choice = choices[0] if choices else None
    delta = getattr(choice, "delta", None)
    usage = getattr(chunk, "usage", None)
    return StreamDelta(
        content=(getattr(delta, "content", None) or "") if delta is not None else "",
        tool_calls=_tool_call_deltas(delta),
        finish_reason=getattr(choice, "finish_reason", None),
        usage=usage_from(usage, None) if usage else None,
        response_id=getattr(chunk, "id", None),
        response_model=getattr(chunk, "model", None),
        metadata=provider_metadata(delta) or None,
    )


def provider_metadata(message: Any) -> dict[str, Any]:
    """Citations the provider attached to the message, kept for the result's metadata."""
    annotations = getattr(message, "annotations", None)
    return {"annotations": [dict(note) for note in annotations]} if annotations else {}


def _tool_call_deltas(delta: Any) -> tuple[ToolCallDelta, ...]:
    calls = getattr(delta, "tool_calls", None) if delta is not None else None
    return tuple(
        ToolCallDelta(
            index=getattr(call, "index", None) or 0,
            id=call.id,
            name=call.function.name if call.function else None,
            arguments=(call.function.arguments or "") if call.function else "",
        )
        for call in calls or ()
    )


def usage_from(usage: Any, cost: Any) -> Usage | None:
    """Token counts from a Chat Completions usage object, with the cost litellm computed."""
    if usage is None:
        return None
    prompt_details = getattr(usage, "prompt_tokens_details", None)
    completion_details = getattr(usage, "completion_tokens_details", None)
    return Usage(
        input_tokens=getattr(usage, "prompt_tokens", 0) or 0,
        output_tokens=getattr(usage, "completion_tokens", 0) or 0,
        cached_input_tokens=getattr(prompt_details, "cached_tokens", 0) or 0,
        reasoning_tokens=getattr(completion_details, "reasoning_tokens", 0) or 0,
        cost_usd=float(cost) if isinstance(cost, int | float) else None,
        calls=1,
        cache_write_input_tokens=_cache_writes(usage, prompt_details),
    )


def _cache_writes(usage: Any, prompt_details: Any) -> int:
    """Prompt tokens written to the cache (litellm reports Anthropic's beside the details)."""
    found = getattr(usage, "cache_creation_input_tokens", None)
    found = found or getattr(prompt_details, "cache_creation_tokens", None)
    return found if isinstance(found, int) else 0
