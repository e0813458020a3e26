"""``AnthropicTransport``: Claude through the official ``anthropic`` SDK, natively.

The SDK is anyio-native like ``openai``'s, so this transport runs on asyncio and on trio
without the litellm loop thread, and keeps what Anthropic needs back: thinking blocks,
``is_error`` on failed tool results, ``cache_control`` for prompt caching, and the cache
read and write counts for pricing. The SDK is an optional dependency
(``pip install llm-factory-toolkit[anthropic]``), imported on first use off the event loop.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from typing import TYPE_CHECKING, Any

from .anthropic_request import anthropic_kwargs
from .anthropic_response import PROVIDER, StreamReader, model_response_from
from .base import StreamDelta, Transport
from .errors import ProviderErrors
from .sdk_clients import ClientCache, load_sdk, load_sdk_async, sdk_settings
from .sdk_stream import sdk_deltas

if TYPE_CHECKING:
    from ..core.calls import ModelCall, ModelResponse

_EXTRA = ("anthropic", "anthropic", "Anthropic models")


class AnthropicTransport(Transport):
    """Sends model calls through ``AsyncAnthropic(...).messages.create``."""

    name = PROVIDER

    def __init__(self) -> None:
        self._clients = ClientCache(lambda settings: load_sdk(*_EXTRA).AsyncAnthropic(**settings))

    async def send(self, call: ModelCall) -> ModelResponse:
        client = await self._client(call.options)
        kwargs = anthropic_kwargs(call)
        with ProviderErrors(provider=PROVIDER, model=call.model):
            message = await client.messages.create(**kwargs)
            return model_response_from(message, model=call.model)

    def stream(self, call: ModelCall) -> AsyncGenerator[StreamDelta, None]:
        async def open_stream() -> Any:
            client = await self._client(call.options)
            return await client.messages.create(**anthropic_kwargs(call))

        errors = ProviderErrors(provider=PROVIDER, model=call.model)
        return sdk_deltas(open_stream, StreamReader(call.model), errors)

    async def aclose(self) -> None:
        """Close the clients opened on the current event loop."""
        await self._clients.aclose()

    async def _client(self, options: Mapping[str, Any]) -> Any:
        settings = sdk_settings(options, key_env="ANTHROPIC_API_KEY", provider="Anthropic")
        await load_sdk_async(*_EXTRA)
        return await self._clients.get(settings)
