"""Building the keyword arguments of ``responses.create`` from a ``ModelCall``.

Provider options split three ways: the client's own (key, base URL, timeout, retries,
organization) configure the ``AsyncOpenAI`` client; options ``responses.create`` accepts pass
through unchanged (``top_p``, ``store``, ``metadata``, ``extra_headers``, ...), with the Chat
Completions names ``max_tokens`` / ``max_completion_tokens`` read as ``max_output_tokens``;
anything else is dropped with a warning (``sdk_clients.accepted_options``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .model_capabilities import Sampling, is_openai_reasoning_model, supported_sampling
from .responses_convert import function_tools, input_items, text_format, tool_choice
from .sdk_clients import accepted_options, parameters_of

if TYPE_CHECKING:
    from ..core.calls import ModelCall

_ALIASES = {"max_tokens": "max_output_tokens", "max_completion_tokens": "max_output_tokens"}
_ENCRYPTED = "reasoning.encrypted_content"
_SET_HERE = frozenset({"model", "input", "stream"})


def bare_model(model: str) -> str:
    """The model id the OpenAI API knows: without litellm's ``openai/`` prefix."""
    return model.removeprefix("openai/")


def responses_kwargs(call: ModelCall) -> dict[str, Any]:
    """The arguments of one ``responses.create`` call."""
    kwargs = request_options(call.options)
    kwargs.update(model=bare_model(call.model), input=input_items(call.messages))
    _add_tools(kwargs, call.tools or [])
    text = text_format(call.response_format)
    if text is not None:
        kwargs["text"] = {**(kwargs.get("text") or {}), **text}
    _add_sampling(kwargs, call)
    _ask_for_encrypted_reasoning(kwargs, call)
    if call.stream:
        kwargs["stream"] = True
    return kwargs


def _add_tools(kwargs: dict[str, Any], tools: list[dict[str, Any]]) -> None:
    """Our tools first, then any the caller passed as an option; a choice only with tools."""
    converted = function_tools(tools) + list(kwargs.pop("tools", None) or [])
    if not converted:
        kwargs.pop("tool_choice", None)
        return
    kwargs["tools"] = converted
    if "tool_choice" in kwargs:
        kwargs["tool_choice"] = tool_choice(kwargs["tool_choice"])


def _ask_for_encrypted_reasoning(kwargs: dict[str, Any], call: ModelCall) -> None:
    """Unstored reasoning can only go back encrypted: ask for it on reasoning calls."""
    reasoning = call.reasoning_effort is not None or is_openai_reasoning_model(call.model)
    if kwargs.get("store") is False and reasoning:
        include = list(kwargs.get("include") or [])
        if _ENCRYPTED not in include:
            kwargs["include"] = [*include, _ENCRYPTED]


def _add_sampling(kwargs: dict[str, Any], call: ModelCall) -> None:
    sampling = sampling_options(call)
    if "reasoning" in sampling:  # keep other reasoning options given (e.g. "summary")
        sampling["reasoning"] = {**(kwargs.get("reasoning") or {}), **sampling["reasoning"]}
    kwargs.update(sampling)


def sampling_options(call: ModelCall) -> dict[str, Any]:
    """Temperature, output cap and reasoning effort, in the Responses names.

    What the model would reject is dropped first (``model_capabilities``): no temperature
    for the o-series and GPT-5, no reasoning effort for the other GPT models.
    """
    requested = Sampling(call.temperature, call.max_output_tokens, call.reasoning_effort)
    sampling = supported_sampling(call.model, requested)
    options: dict[str, Any] = {}
    if sampling.temperature is not None:
        options["temperature"] = sampling.temperature
    if sampling.max_output_tokens is not None:
        options["max_output_tokens"] = sampling.max_output_tokens
    if sampling.reasoning_effort is not None:
        options["reasoning"] = {"effort": sampling.reasoning_effort}
    return options


def request_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """The provider options ``responses.create`` accepts; warns about the ones it drops."""
    return accepted_options(
        options,
        _create_parameters(),
        api="OpenAI Responses API",
        aliases=_ALIASES,
        set_here=_SET_HERE,
    )


@functools.cache
def _create_parameters() -> frozenset[str]:
    from openai.resources.responses import AsyncResponses

    return parameters_of(AsyncResponses.create)
