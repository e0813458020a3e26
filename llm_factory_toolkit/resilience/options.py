"""Reading the resilience options of ``LLMClient`` and ``generate()``.

The classic ``num_retries=N`` (and the SDKs' ``max_retries=N``) keep working: they mean
``retry=RetryPolicy(max_attempts=N + 1)`` and never reach an SDK, whose own retries stay off
so that one policy decides every retry. An explicit ``retry=`` wins over both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..exceptions import ConfigurationError
from .limits import UsageLimits
from .policy import RetryPolicy

RETRY_COUNT_NAMES = ("num_retries", "max_retries")

FallbackModel = str | Mapping[str, Any]
"""A fallback: a model name, or ``{"model": name, **provider_options}`` (its own key, base)."""


def take_retry_counts(options: dict[str, Any]) -> dict[str, Any]:
    """``options`` with ``num_retries`` / ``max_retries`` turned into ``retry``, in place."""
    counts = [options.pop(name) for name in RETRY_COUNT_NAMES if name in options]
    counts = [count for count in counts if count is not None]
    if counts and options.get("retry") is None:
        options["retry"] = RetryPolicy.from_retries(counts[0])
    return options


def client_defaults(
    provider_options: dict[str, Any],
    *,
    retry: RetryPolicy | None,
    fallback_models: Sequence[FallbackModel],
    usage_limits: UsageLimits | None,
) -> dict[str, Any]:
    """The per-call defaults a client's resilience settings give (``provider_options`` loses
    its retry counts)."""
    given = take_retry_counts({**provider_options, "retry": retry})
    for name in RETRY_COUNT_NAMES:
        provider_options.pop(name, None)
    defaults = {"retry": given["retry"], "usage_limits": usage_limits}
    defaults["fallback_models"] = fallback_tuple(fallback_models)
    return {name: value for name, value in defaults.items() if value}


def fallback_tuple(models: Sequence[FallbackModel] | FallbackModel | None) -> tuple[Any, ...]:
    """``fallback_models`` checked and frozen; a single name is a list of one."""
    if not models:
        return ()
    items = [models] if isinstance(models, str | Mapping) else list(models)
    for item in items:
        name = item if isinstance(item, str) else item.get("model")
        if not isinstance(name, str) or not name:
            raise ConfigurationError(f"a fallback model needs a model name, got {item!r}")
    return tuple(items)
