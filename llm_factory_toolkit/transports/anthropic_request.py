"""Building the keyword arguments of ``messages.create`` from a ``ModelCall``.

- ``max_tokens`` is required by the API: the call's cap, else the ``max_tokens`` option,
  else ``DEFAULT_MAX_TOKENS``;
- ``reasoning_effort`` turns extended thinking on with a token budget (``low`` 1024,
  ``medium`` 2048, ``high`` 4096: litellm's mapping), the cap raised above the budget;
- ``stop`` is read as ``stop_sequences``, ``tool_choice`` / ``parallel_tool_calls`` are
  converted, and a ``json_schema`` ``response_format`` becomes ``output_config.format``;
- ``prompt_cache=True`` marks the system prompt, the tools and the last turn with
  ``cache_control`` (``{"system", "tools", "messages", "ttl"}`` chooses finer).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..exceptions import ConfigurationError
from .anthropic_convert import (
    anthropic_messages,
    anthropic_tool_choice,
    anthropic_tools,
    system_blocks,
)
from .model_capabilities import Sampling, supported_sampling
from .sdk_clients import accepted_options, parameters_of

if TYPE_CHECKING:
    from ..core.calls import ModelCall

DEFAULT_MAX_TOKENS = 4096
THINKING_BUDGETS = {"minimal": 1024, "low": 1024, "medium": 2048, "high": 4096}
_SET_HERE = frozenset({"model", "messages", "system", "stream", "tool_choice"})
_ALIASES = {"stop": "stop_sequences"}
_CACHE_PARTS = ("system", "tools", "messages")
_BODY_FIELDS = ("temperature", "top_p", "top_k")


def anthropic_kwargs(call: ModelCall) -> dict[str, Any]:
    """The arguments of one ``messages.create`` call."""
    options = dict(call.options)
    parallel = options.pop("parallel_tool_calls", None)
    kwargs = accepted_options(
        options,
        _create_parameters() | set(_BODY_FIELDS),
        api="Anthropic Messages API",
        aliases=_ALIASES,
        set_here=_SET_HERE,
    )
    kwargs.update(model=call.model.removeprefix("anthropic/"))
    kwargs["messages"] = anthropic_messages(call.messages)
    system = system_blocks(call.messages)
    if system:
        kwargs["system"] = system
    _add_tools(kwargs, call, options.get("tool_choice"), parallel)
    _add_sampling(kwargs, call)
    _add_output_format(kwargs, call.response_format)
    _mark_cache(kwargs, options.get("prompt_cache"))
    if call.stream:
        kwargs["stream"] = True
    return kwargs


def _add_tools(kwargs: dict[str, Any], call: ModelCall, choice: Any, parallel: Any) -> None:
    tools = anthropic_tools(call.tools or []) + list(kwargs.pop("tools", None) or [])
    if not tools:
        return
    kwargs["tools"] = tools
    converted = anthropic_tool_choice(choice, parallel)
    if converted is not None:
        kwargs["tool_choice"] = converted


def _add_sampling(kwargs: dict[str, Any], call: ModelCall) -> None:
    requested = Sampling(call.temperature, call.max_output_tokens, call.reasoning_effort)
    sampling = supported_sampling(call.model, requested)
    if sampling.temperature is not None:
        kwargs["temperature"] = sampling.temperature
    _move_to_body(kwargs)
    cap = sampling.max_output_tokens or kwargs.get("max_tokens") or DEFAULT_MAX_TOKENS
    budget = THINKING_BUDGETS.get(sampling.reasoning_effort or "")
    if budget is not None:
        kwargs["thinking"] = {"type": "enabled", "budget_tokens": budget}
        cap = cap if cap > budget else cap + budget  # the answer needs room beside thinking
    kwargs["max_tokens"] = cap


def _move_to_body(kwargs: dict[str, Any]) -> None:
    """Sampling fields the API takes but this SDK's signature no longer lists."""
    body = {name: kwargs.pop(name) for name in _BODY_FIELDS if name in kwargs}
    if body:
        kwargs["extra_body"] = {**(kwargs.get("extra_body") or {}), **body}


def _add_output_format(kwargs: dict[str, Any], response_format: Any) -> None:
    if response_format is None:
        return
    kind = response_format.get("type") if isinstance(response_format, Mapping) else None
    if kind == "json_object":
        schema: Any = {"type": "object"}
    elif kind == "json_schema" and isinstance(response_format.get("json_schema"), Mapping):
        schema = response_format["json_schema"].get("schema") or {"type": "object"}
    else:
        raise ConfigurationError(f"unsupported response_format: {response_format!r}")
    config = dict(kwargs.get("output_config") or {})
    config["format"] = {"type": "json_schema", "schema": schema}
    kwargs["output_config"] = config


def _mark_cache(kwargs: dict[str, Any], prompt_cache: Any) -> None:
    """Put ``cache_control`` on the last block of each part chosen for caching."""
    parts = cache_parts(prompt_cache)
    if not parts:
        return
    control = cache_control(prompt_cache)
    if "system" in parts and kwargs.get("system"):
        kwargs["system"][-1]["cache_control"] = control
    if "tools" in parts and kwargs.get("tools"):
        kwargs["tools"][-1] = {**kwargs["tools"][-1], "cache_control": control}
    if "messages" in parts and kwargs["messages"]:
        blocks = kwargs["messages"][-1]["content"]
        blocks[-1] = {**blocks[-1], "cache_control": control}


def cache_control(prompt_cache: Any) -> dict[str, str]:
    """The ``cache_control`` marker for the ``prompt_cache`` option."""
    control = {"type": "ephemeral"}
    if isinstance(prompt_cache, Mapping) and prompt_cache.get("ttl"):
        control["ttl"] = str(prompt_cache["ttl"])
    return control


def cache_parts(prompt_cache: Any) -> tuple[str, ...]:
    """Which of system, tools and messages the ``prompt_cache`` option marks."""
    if prompt_cache is None or prompt_cache is False:
        return ()
    if prompt_cache is True:
        return _CACHE_PARTS
    if isinstance(prompt_cache, Mapping):
        return tuple(part for part in _CACHE_PARTS if prompt_cache.get(part, True))
    raise ConfigurationError(
        "prompt_cache must be True, False or a mapping of system/tools/messages/ttl, "
        f"got {prompt_cache!r}"
    )


@functools.cache
def _create_parameters() -> frozenset[str]:
    from anthropic.resources.messages import AsyncMessages

    return parameters_of(AsyncMessages.create)
