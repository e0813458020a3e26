"""Building the keyword arguments of ``litellm.acompletion`` from a ``ModelCall``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..pipeline.context import ModelCall


def litellm_kwargs(call: ModelCall) -> dict[str, Any]:
    """The arguments for one litellm call; provider options pass through unchanged."""
    kwargs: dict[str, Any] = {**call.options, "model": call.model, "messages": call.messages}
    if call.tools:
        kwargs["tools"] = call.tools
        # litellm's tool path imports the optional `mcp` package unless told to skip it.
        kwargs["_skip_mcp_handler"] = True
    if call.temperature is not None:
        kwargs["temperature"] = call.temperature
    if call.max_output_tokens is not None:
        kwargs["max_tokens"] = call.max_output_tokens
    if call.reasoning_effort is not None:
        kwargs["reasoning_effort"] = call.reasoning_effort
    if call.stream:
        kwargs["stream"] = True
        kwargs["stream_options"] = {"include_usage": True}
    return kwargs
