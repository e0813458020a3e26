"""Building the keyword arguments of ``litellm.acompletion`` from a ``ModelCall``.

Sampling parameters the model would reject are dropped (``model_capabilities``), using
litellm's offline table of what each provider maps. ``response_format`` arrives normalized to
the Chat Completions form, which is litellm's own. One provider quirk is handled here: for
most providers without native structured output (Anthropic's older models, Groq, Bedrock...)
litellm implements ``response_format`` as a *forced* tool call, which would stop the model
from calling ours. So while tools are offered the format is held back (logged at debug), and
the structured-output stage asks for the final answer with ``tool_choice="none"``: then the
format is sent and litellm's forced tool produces it.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from ..exceptions import ConfigurationError
from ..log import log
from .litellm_loader import load_litellm
from .model_capabilities import Sampling, supported_sampling

if TYPE_CHECKING:
    from ..pipeline.context import ModelCall

_NATIVE_FORMAT_PROVIDERS = frozenset({"openai", "azure"})
_NO_SDK_RETRIES = {"num_retries": 0, "max_retries": 0}


def litellm_kwargs(call: ModelCall) -> dict[str, Any]:
    """The arguments for one litellm call; provider options pass through unchanged."""
    provider, name = provider_and_name(call.model)
    kwargs: dict[str, Any] = {**call.options, "model": call.model, "messages": call.messages}
    kwargs.update(_NO_SDK_RETRIES)  # the retry stage is the one retry authority
    if call.tools:
        kwargs["tools"] = call.tools
        # litellm's tool path imports the optional `mcp` package unless told to skip it.
        kwargs["_skip_mcp_handler"] = True
    else:
        kwargs.pop("tool_choice", None)
    kwargs.update(_sampling(call, _supported_params(provider, name)))
    kwargs.update(_response_format(call, kwargs, provider, name))
    if call.stream:
        kwargs["stream"] = True
        kwargs["stream_options"] = {"include_usage": True}
    return kwargs


def _sampling(call: ModelCall, supported: Collection[str] | None) -> dict[str, Any]:
    requested = Sampling(call.temperature, call.max_output_tokens, call.reasoning_effort)
    sampling = supported_sampling(call.model, requested, supported)
    values = {
        "temperature": sampling.temperature,
        "max_tokens": sampling.max_output_tokens,
        "reasoning_effort": sampling.reasoning_effort,
    }
    return {key: value for key, value in values.items() if value is not None}


def _response_format(
    call: ModelCall, kwargs: dict[str, Any], provider: str, name: str
) -> dict[str, Any]:
    """``response_format`` to send, or none while it would lock out the offered tools."""
    if call.response_format is None:
        return {}
    if not call.tools or not forced_tool_format(provider, name):
        return {"response_format": call.response_format}
    if kwargs.get("tool_choice") == "none":
        del kwargs["tool_choice"]  # litellm forces its own JSON tool instead
        return {"response_format": call.response_format}
    log("debug", "response_format_deferred", model=call.model, reason="tools are offered")
    return {}


@functools.lru_cache(maxsize=512)
def provider_and_name(model: str) -> tuple[str, str]:
    """litellm's provider and model name for ``model``; an unknown provider is misuse."""
    litellm = load_litellm()
    try:
        name, provider, _, _ = litellm.get_llm_provider(model=model)
    except Exception as exc:
        raise ConfigurationError(
            f"litellm does not know the provider of model {model!r}; name it as "
            "'provider/model', e.g. 'openai/gpt-4o-mini' or 'anthropic/claude-sonnet-4'"
        ) from exc
    return str(provider), str(name)


@functools.lru_cache(maxsize=512)
def forced_tool_format(provider: str, name: str) -> bool:
    """Whether litellm sends ``response_format`` as a forced tool call for this model."""
    if provider in _NATIVE_FORMAT_PROVIDERS:
        return False
    litellm = load_litellm()
    return not litellm.utils.supports_native_structured_output(name, provider)


@functools.lru_cache(maxsize=512)
def _supported_params(provider: str, name: str) -> frozenset[str] | None:
    litellm = load_litellm()
    try:
        found = litellm.get_supported_openai_params(model=name, custom_llm_provider=provider)
    except Exception:
        return None
    return frozenset(found) if found else None
