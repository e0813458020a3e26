"""``LiteLLMTransport``: any of litellm's 100+ providers, on asyncio and on trio.

Every call runs on the process-wide litellm loop thread (see ``litellm_bridge``), so the
same code serves both backends, and cancelling the caller aborts the HTTP request at once.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

import anyio

from ..exceptions import ConfigurationError
from ..settings import env_value
from .base import StreamDelta, Transport
from .errors import ProviderErrors
from .litellm_loader import load_litellm_async
from .litellm_no_resend import acompletion_without_resend
from .litellm_request import litellm_kwargs, provider_and_name
from .litellm_response import delta_from_chunk, model_response_from

if TYPE_CHECKING:
    from ..pipeline.context import ModelCall, ModelResponse
    from .litellm_bridge import LoopThread


class LiteLLMTransport(Transport):
    """Sends model calls through ``litellm.acompletion``."""

    name = "litellm"

    def __init__(self, loop_thread: LoopThread | None = None) -> None:
        self._loop_thread = loop_thread

    async def send(self, call: ModelCall) -> ModelResponse:
        litellm, kwargs = await self._prepare(call)
        with ProviderErrors(provider=self.provider_of(call.model), model=call.model):
            response = await self._thread().run(
                acompletion_without_resend, litellm, self.provider_of(call.model), kwargs
            )
            return model_response_from(response, model=call.model)

    async def stream(self, call: ModelCall) -> AsyncGenerator[StreamDelta, None]:
        litellm, kwargs = await self._prepare(call)
        loop = self._thread()
        errors = ProviderErrors(provider=self.provider_of(call.model), model=call.model)
        with errors:
            chunks = await loop.run(
                acompletion_without_resend,
                litellm,
                self.provider_of(call.model),
                kwargs,
                release=_close_stream,
            )
        try:
            while True:
                with errors:
                    delta = await loop.run(_next_delta, chunks)
                if delta is None:
                    return
                yield delta
        finally:
            with anyio.CancelScope(shield=True):
                await loop.run(chunks.aclose)

    async def aclose(self) -> None:
        """Close litellm's pooled connections (process-wide: litellm shares them between
        clients; the next call opens new ones). Nothing to do before the first call."""
        from .litellm_bridge import release_litellm_connections, running_loop_thread

        thread = self._loop_thread or running_loop_thread()
        if thread is not None and not thread.closed:
            await thread.run(release_litellm_connections)

    def provider_of(self, model: str) -> str:
        return _provider_of(model) or self.name

    def _thread(self) -> LoopThread:
        from .litellm_bridge import shared_loop_thread  # asyncio loads with the first call

        return self._loop_thread or shared_loop_thread()

    async def _prepare(self, call: ModelCall) -> tuple[Any, dict[str, Any]]:
        litellm = await load_litellm_async()
        kwargs = litellm_kwargs(call)
        if "api_key" not in call.options:
            kwargs.update(_credentials(litellm, call))
        return litellm, kwargs


async def _close_stream(chunks: Any) -> None:
    await chunks.aclose()


async def _next_delta(chunks: Any) -> StreamDelta | None:
    try:
        chunk = await chunks.__anext__()
    except StopAsyncIteration:
        return None
    return delta_from_chunk(chunk)


def _credentials(litellm: Any, call: ModelCall) -> dict[str, str]:
    """The key litellm would not find in the environment, taken from ``.env``; fails before
    any request when the provider's key is neither passed, nor in the environment or ``.env``.
    """
    found = litellm.validate_environment(model=call.model, api_base=call.options.get("api_base"))
    missing = [key for key in found.get("missing_keys", ()) if key.endswith("_KEY")]
    from_file = [value for value in map(env_value, missing) if value]
    if from_file:
        return {"api_key": from_file[0]}
    if missing:
        raise ConfigurationError(
            f"No API key for model '{call.model}': set the environment variable "
            f"{' or '.join(missing)} (or put it in .env), or pass api_key= to LLMClient."
        )
    return {}


def _provider_of(model: str) -> str | None:
    """litellm's name for the provider of ``model`` (its prefix, or inferred from the name)."""
    try:
        return provider_and_name(model)[0]
    except ConfigurationError:
        return None
