"""The cost in USD of a model call, from litellm's model cost map, offline.

A transport that got a price from its provider layer (litellm's ``response_cost``) reports
it; ``cost_usd`` prices the rest (streamed answers, routes that never load litellm), and the
usage stage calls it for any answer whose cost is still unknown. The price table is litellm's
``model_cost`` when litellm is loaded (custom prices from ``litellm.register_model``
included), else the cost map bundled with litellm, read directly (about 30 ms, once, off the
event loop), so a run that never needed litellm never pays the seconds its import takes. The
standard rates apply: input, cache reads and writes, output, reasoning, and prompt-size
tiers. Pricing is dictionary lookups and arithmetic, done in place. No price list is ever
fetched from the network. An unknown model costs None.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import anyio

if TYPE_CHECKING:
    from ..core.calls import ModelResponse
    from ..core.results import Usage

_BUNDLED_MAP = "model_prices_and_context_window_backup.json"


def cost_usd(model: str, usage: Usage) -> float | None:
    """The price of ``usage`` on ``model`` (``"provider/name"`` or ``"name"``), or None."""
    entry = _table_entry(model)
    return None if entry is None else _priced(entry, usage)


async def with_cost(response: ModelResponse, model: str) -> ModelResponse:
    """``response`` with its usage priced, when the transport left the cost unknown.

    The first read of the bundled map (tens of milliseconds) runs on a worker thread.
    """
    usage = response.usage
    if usage is None or usage.cost_usd is not None:
        return response
    if _loaded_litellm() is None and not _bundled_cost_map.cache_info().currsize:
        await anyio.to_thread.run_sync(_bundled_cost_map)
    cost = _response_cost(response, model, usage)
    return response if cost is None else replace(response, usage=replace(usage, cost_usd=cost))


def _response_cost(response: ModelResponse, model: str, usage: Usage) -> float | None:
    """Priced by the requested model, else by the model the provider said answered."""
    cost = cost_usd(model, usage)
    if cost is None and response.response_model and response.response_model != model:
        cost = cost_usd(response.response_model, usage)
    return cost


def _loaded_litellm() -> ModuleType | None:
    """litellm when the transport already loaded it (``litellm_loader`` marks it); never imports."""
    module = sys.modules.get("litellm")
    return module if getattr(module, "_llm_factory_toolkit_ready", False) else None


def _table_entry(model: str) -> dict[str, Any] | None:
    litellm = _loaded_litellm()
    table = litellm.model_cost if litellm is not None else _bundled_cost_map()
    for key in (model, model.partition("/")[2]):
        entry = table.get(key)
        if isinstance(entry, dict) and "input_cost_per_token" in entry:
            return entry
    return None


@functools.cache
def _bundled_cost_map() -> dict[str, Any]:
    """litellm's bundled cost map, located without importing litellm; empty if absent."""
    spec = importlib.util.find_spec("litellm")
    if spec is None or spec.origin is None:
        return {}
    try:
        data = json.loads((Path(spec.origin).parent / _BUNDLED_MAP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _priced(entry: dict[str, Any], usage: Usage) -> float:
    """The standard per-token rates (of the tier the prompt size falls in) times the counts."""
    tiers = _tiers_reached(entry, usage.input_tokens)

    def rate(key: str, fallback: str | None = None) -> float:
        return _rate(entry, tiers, key, fallback)

    written = usage.cache_write_input_tokens
    fresh_input = usage.input_tokens - usage.cached_input_tokens - written
    plain_output = usage.output_tokens - usage.reasoning_tokens
    return (
        fresh_input * rate("input_cost_per_token")
        + usage.cached_input_tokens * rate("cache_read_input_token_cost", "input_cost_per_token")
        + written * rate("cache_creation_input_token_cost", "input_cost_per_token")
        + plain_output * rate("output_cost_per_token")
        + usage.reasoning_tokens * rate("output_cost_per_reasoning_token", "output_cost_per_token")
    )


def _tiers_reached(entry: dict[str, Any], prompt_tokens: int) -> list[str]:
    """The ``<N>k_tokens`` suffixes of the prompt-size tiers exceeded, largest last."""
    tiers = sorted(
        (float(key.rsplit("_above_", 1)[1].removesuffix("k_tokens")) * 1000, key)
        for key in entry
        if key.startswith("input_cost_per_token_above_") and key.endswith("k_tokens")
    )
    return [key.rsplit("_above_", 1)[1] for limit, key in tiers if prompt_tokens > limit]


def _rate(entry: dict[str, Any], tiers: list[str], key: str, fallback: str | None) -> float:
    """``key``'s rate in the highest tier reached that prices it, else its base rate."""
    for tier in reversed(tiers):
        tiered = entry.get(f"{key}_above_{tier}")
        if isinstance(tiered, int | float):
            return float(tiered)
    value = entry.get(key)
    if isinstance(value, int | float):
        return float(value)
    return _rate(entry, tiers, fallback, None) if fallback is not None else 0.0
