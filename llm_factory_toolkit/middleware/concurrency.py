"""Concurrency: at most ``max_concurrent_generations`` generations of a client run at once.

Started together, a thousand generations would all be in flight, and each would wait on the
others for the network and the CPU; bounded, the rest queue here (an anyio
``CapacityLimiter``) and those running finish sooner.
"""

from __future__ import annotations

import anyio

from ..exceptions import ConfigurationError
from ..pipeline.context import GenerationContext, GenerationHandler
from ..tools.models import GenerationResult


class ConcurrencyLimitMiddleware:
    """Holds one of ``limit`` slots for the whole of each generation."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ConfigurationError(f"max_concurrent_generations must be >= 1, got {limit}")
        self.limit = limit
        self._limiter: anyio.CapacityLimiter | None = None

    async def wrap_generation(
        self, ctx: GenerationContext, call_next: GenerationHandler
    ) -> GenerationResult:
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.limit)
        # A token per generation, not per task: a task may hold several (interleaved streams).
        borrower = object()
        await self._limiter.acquire_on_behalf_of(borrower)
        try:
            return await call_next(ctx)
        finally:
            self._limiter.release_on_behalf_of(borrower)
