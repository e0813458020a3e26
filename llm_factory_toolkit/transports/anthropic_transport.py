"""``AnthropicTransport``: Claude through the official ``anthropic`` SDK, natively.

The SDK is anyio-native like ``openai``'s, so this transport runs on asyncio and on trio
without the litellm loop thread, and keeps what Anthropic needs back: thinking blocks,
``is_error`` on failed tool results, ``cache_control`` for prompt caching, and the cache
read and write counts for pricing. The SDK is an optional dependency
(``pip install llm-factory-toolkit[anthropic]``), imported on first use off the event loop.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

from .anthropic_request import anthropic_kwargs
from .anthropic_response import PROVIDER, StreamReader, model_response_from
from .base import StreamDelta, Transport
from .errors import ProviderErrors
from .sdk_clients import ClientCache, load_sdk, load_sdk_async, sdk_settings
from .sdk_stream import read_events

if TYPE_CHECKING:
    from ..pipeline.context import ModelCall, ModelResponse

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

    async def stream(self, call: ModelCall) -> AsyncGenerator[StreamDelta, None]:
        client = await self._client(call.options)
        kwargs, reader = anthropic_kwargs(call), StreamReader(call.model)
        errors = ProviderErrors(provider=PROVIDER, model=call.model)
        with errors:
            events = await client.messages.create(**kwargs)
        async with aclosing(read_events(events, reader, errors)) as deltas:
            async for delta in deltas:
                yield delta

    async def aclose(self) -> None:
        """Close the clients opened on the current event loop."""
        await self._clients.aclose()

    async def _client(self, options: Mapping[str, Any]) -> Any:
        settings = sdk_settings(options, key_env="ANTHROPIC_API_KEY", provider="Anthropic")
        await load_sdk_async(*_EXTRA)
        return self._clients.get(settings)
