"""What a model accepts, so a parameter it would reject is dropped instead of failing the call.

The rules here need no SDK: they read the model name. Every transport applies them through
``supported_sampling``; a transport that knows more (litellm's offline list of the parameters
each provider maps) passes that list in as ``supported``. Dropped parameters are logged at
debug level (``middleware.logging``: quiet unless enabled), never raised, because one
``generate()`` call may be sent to many models.

Built-in rules:

- OpenAI reasoning models (``o1``/``o3``/``o4``..., and GPT-5 except ``gpt-5-chat``) accept
  no ``temperature``;
- on OpenAI, ``reasoning_effort`` is only for those reasoning models;
- Claude with ``reasoning_effort`` (extended thinking) accepts no ``temperature``;
- a parameter missing from ``supported`` is dropped (``max_output_tokens`` is ``max_tokens``).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any

from ..exceptions import ConfigurationError
from ..log import log

REASONING_EFFORTS = ("none", "minimal", "low", "medium", "high")
"""Values ``reasoning_effort`` may take ("low", "medium" and "high" work on every provider)."""

_OPENAI_REASONING = re.compile(r"^(o\d+(-|$)|gpt-5(?!-chat))")


@dataclass(frozen=True, slots=True)
class Sampling:
    """The generation parameters every provider understands, validated."""

    temperature: float | None = None
    max_output_tokens: int | None = None
    reasoning_effort: str | None = None

    def __post_init__(self) -> None:
        _check_temperature(self.temperature)
        _check_max_output_tokens(self.max_output_tokens)
        _check_reasoning_effort(self.reasoning_effort)


_SUPPORTED_NAMES = {
    "temperature": "temperature",
    "max_output_tokens": "max_tokens",
    "reasoning_effort": "reasoning_effort",
}


def split_model(model: str) -> tuple[str | None, str]:
    """``("anthropic", "claude-x")`` for ``"anthropic/claude-x"``; no prefix gives None."""
    provider, _, name = model.rpartition("/")
    return (provider or None), name.lower()


def is_openai_reasoning_model(model: str) -> bool:
    """True for OpenAI's o-series and GPT-5 models (any provider prefix)."""
    return _is_reasoning(split_model(model)[1])


def supported_sampling(
    model: str, sampling: Sampling, supported: Collection[str] | None = None
) -> Sampling:
    """``sampling`` without what ``model`` would reject; each removal is logged at debug."""
    drops = unsupported_parameters(model, sampling, supported)
    for name, reason in drops.items():
        log("debug", "parameter_dropped", model=model, parameter=name, reason=reason)
    return replace(sampling, **dict.fromkeys(drops))


def unsupported_parameters(
    model: str, sampling: Sampling, supported: Collection[str] | None = None
) -> dict[str, str]:
    """The parameters of ``sampling`` that ``model`` does not accept, each with the reason."""
    drops = _missing_from(supported, sampling)
    if sampling.reasoning_effort is not None and _openai_non_reasoning(model):
        drops.setdefault("reasoning_effort", "only OpenAI's o-series and GPT-5 models reason")
    thinking = sampling.reasoning_effort is not None and "reasoning_effort" not in drops
    reason = _temperature_refusal(model, thinking=thinking)
    if sampling.temperature is not None and reason:
        drops.setdefault("temperature", reason)
    return drops


def _missing_from(supported: Collection[str] | None, sampling: Sampling) -> dict[str, str]:
    if supported is None:
        return {}
    return {
        field: f"the provider does not accept {name} for this model"
        for field, name in _SUPPORTED_NAMES.items()
        if getattr(sampling, field) is not None and name not in supported
    }


def _openai_non_reasoning(model: str) -> bool:
    provider, name = split_model(model)
    openai_chat = name.startswith(("gpt-", "chatgpt-"))
    return provider in (None, "openai", "azure") and openai_chat and not _is_reasoning(name)


def _is_reasoning(name: str) -> bool:
    return bool(_OPENAI_REASONING.match(name))


def _temperature_refusal(model: str, *, thinking: bool) -> str | None:
    if is_openai_reasoning_model(model):
        return "OpenAI reasoning models (o-series, GPT-5) only run at their own temperature"
    if thinking and "claude" in split_model(model)[1]:
        return "Claude's extended thinking (reasoning_effort) requires the default temperature"
    return None


def _check_temperature(value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 2:
        raise ConfigurationError(f"temperature must be a number from 0 to 2, got {value!r}")


def _check_max_output_tokens(value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"max_output_tokens must be a positive integer, got {value!r}")


def _check_reasoning_effort(value: Any) -> None:
    if value is not None and value not in REASONING_EFFORTS:
        raise ConfigurationError(
            f"reasoning_effort must be one of {', '.join(REASONING_EFFORTS)}, got {value!r}"
        )
