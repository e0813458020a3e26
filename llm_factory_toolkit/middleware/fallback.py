"""Fallback models: when a model call still fails after its retries, ask the next model.

Only failures another model might not have are passed on (``warrants_fallback``): transient
ones (overloaded, rate-limited, timed out, unreachable, a broken answer) and a prompt too long
for the model's context window; never a bad request, a rejected key, or a stream that already
handed text to the consumer. The same call goes to the next model, whatever its route (the
routing stage picks the transport again), with the transcript, tools and ``response_format``.
Options that name an endpoint or a credential carry over only to a model of the same provider;
give others in the entry: ``{"model": "anthropic/claude-sonnet-4", "api_key": "..."}``.

It sits outside the retry stage, so each model gets its own retries, and every attempt is
counted and priced as the model that made it. The call it was given is left naming the model
that answered (``result.model``). Each switch is announced by a ``FallbackUsed`` event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..exceptions import ProviderError
from ..log import log
from ..pipeline.context import ModelCall, ModelHandler, ModelResponse
from ..pipeline.events import FallbackUsed
from ..resilience.options import FallbackModel, fallback_tuple
from ..resilience.policy import warrants_fallback
from .retry import CallSnapshot

_PROVIDER_BOUND = frozenset({"api_key", "api_base", "base_url", "organization", "api_version"})


class FallbackMiddleware:
    """Tries ``generate(fallback_models=...)`` (else the client's, else ``models``) in order."""

    def __init__(self, models: Sequence[FallbackModel] = ()) -> None:
        self.models = fallback_tuple(models)

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        models = fallback_tuple(call.ctx.request.fallback_models) or self.models
        if not models:
            return await call_next(call)
        original = CallSnapshot(call)
        try:
            return await call_next(call)
        except ProviderError as error:
            if not warrants_fallback(error):
                raise
            failure = error
        return await _next_models(call, original, models, failure, call_next)


async def _next_models(
    call: ModelCall,
    original: CallSnapshot,
    models: tuple[FallbackModel, ...],
    failure: ProviderError,
    call_next: ModelHandler,
) -> ModelResponse:
    failed_model = call.model
    for entry in models:
        candidate = retargeted(original.fresh(), entry)
        await _announce(call, failed_model, candidate.model, failure)
        try:
            response = await call_next(candidate)
        except ProviderError as error:
            if not warrants_fallback(error):
                raise
            failure, failed_model = error, candidate.model
            continue
        call.model = candidate.model
        return response
    raise failure


def retargeted(candidate: ModelCall, entry: FallbackModel) -> ModelCall:
    """``candidate`` (a fresh copy of the call) aimed at the fallback ``entry``, routed anew."""
    settings: Mapping[str, Any] = {"model": entry} if isinstance(entry, str) else entry
    primary = candidate.model
    candidate.model = str(settings["model"])
    candidate.transport = None
    if _provider(candidate.model) != _provider(primary):
        for name in _PROVIDER_BOUND:
            candidate.options.pop(name, None)
    candidate.options.update({k: v for k, v in settings.items() if k != "model"})
    return candidate


def _provider(model: str) -> str:
    return model.split("/", 1)[0] if "/" in model else model


async def _announce(call: ModelCall, from_model: str, to_model: str, error: Exception) -> None:
    ctx = call.ctx
    log("warning", "model_fallback", from_model=from_model, to_model=to_model, error=repr(error))
    await ctx.bus.emit(
        FallbackUsed(
            run_id=ctx.run_id,
            iteration=ctx.iteration,
            from_model=from_model,
            to_model=to_model,
            error_type=type(error).__name__,
            message=str(error),
        )
    )
