"""Building the keyword arguments of ``chat.completions.create`` from a ``ModelCall``.

The transcript is sent as it is kept, in the Chat Completions shape, with two fixes some
servers need: an assistant message always has its ``content`` key (``null`` beside tool
calls, as OpenAI returns it: llama.cpp's templates read it), and the keys other wires need
back (``thinking_blocks``, ``reasoning_items``, ``is_error``) are left out. When tools are
offered and the caller chose nothing, ``tool_choice="auto"`` is sent: some servers
(llama.cpp's function-calling handler) call tools only then.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from ..core.results import Message
from .model_capabilities import Sampling, is_openai_reasoning_model, supported_sampling
from .openai_compatible import bare_model_name
from .sdk_clients import accepted_options, parameters_of

if TYPE_CHECKING:
    from ..core.calls import ModelCall

TRANSCRIPT_EXTRAS = ("thinking_blocks", "reasoning_items", "is_error")
"""Message keys the toolkit keeps for other wires; Chat Completions servers never see them."""

_SET_HERE = frozenset({"model", "messages", "stream", "stream_options"})


def chat_kwargs(call: ModelCall) -> dict[str, Any]:
    """The arguments of one ``chat.completions.create`` call."""
    kwargs = accepted_options(
        call.options, _create_parameters(), api="Chat Completions API", set_here=_SET_HERE
    )
    kwargs.update(model=bare_model_name(call.model), messages=chat_messages(call.messages))
    _add_tools(kwargs, call.tools or [])
    kwargs.update(_sampling(call))
    if call.response_format is not None:
        kwargs["response_format"] = call.response_format
    if call.stream:
        kwargs["stream"] = True
        kwargs["stream_options"] = {"include_usage": True}
    return kwargs


def chat_messages(messages: list[Message]) -> list[Message]:
    """The transcript as Chat Completions servers expect it (see the module docstring)."""
    return [_wire_message(message) for message in messages]


def _wire_message(message: Message) -> Message:
    if not any(key in message for key in TRANSCRIPT_EXTRAS) and (
        message.get("role") != "assistant" or "content" in message
    ):
        return message
    sent = {key: value for key, value in message.items() if key not in TRANSCRIPT_EXTRAS}
    if sent.get("role") == "assistant":
        sent.setdefault("content", None)
    return sent


def _add_tools(kwargs: dict[str, Any], tools: list[dict[str, Any]]) -> None:
    tools = tools + list(kwargs.pop("tools", None) or [])
    if not tools:
        kwargs.pop("tool_choice", None)
        kwargs.pop("parallel_tool_calls", None)
        return
    kwargs["tools"] = tools
    kwargs.setdefault("tool_choice", "auto")


def _sampling(call: ModelCall) -> dict[str, Any]:
    requested = Sampling(call.temperature, call.max_output_tokens, call.reasoning_effort)
    sampling = supported_sampling(call.model, requested)
    # OpenAI's reasoning models refuse max_tokens; every server accepts it otherwise.
    cap = "max_completion_tokens" if is_openai_reasoning_model(call.model) else "max_tokens"
    values = {
        "temperature": sampling.temperature,
        cap: sampling.max_output_tokens,
        "reasoning_effort": sampling.reasoning_effort,
    }
    return {key: value for key, value in values.items() if value is not None}


@functools.cache
def _create_parameters() -> frozenset[str]:
    from openai.resources.chat.completions import AsyncCompletions

    return parameters_of(AsyncCompletions.create)
