"""``OpenAIResponsesTransport``: OpenAI models through the native Responses API.

Runs on the ``openai`` SDK directly, on asyncio and on trio (see ``openai_sdk``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import TYPE_CHECKING

from .base import StreamDelta, Transport
from .errors import ProviderErrors
from .openai_sdk import OpenAIClients, openai_settings
from .responses_output import PROVIDER, StreamReader, model_response_from
from .responses_request import responses_kwargs
from .sdk_stream import read_events

if TYPE_CHECKING:
    from ..pipeline.context import ModelCall, ModelResponse

OPENAI_PREFIXES = ("gpt-", "o1-", "o3-", "o4-", "chatgpt-")
_BARE_O_SERIES = frozenset({"o1", "o3"})


def is_openai_model(model: str) -> bool:
    """True for OpenAI's own models (``gpt-...``, ``o3-...``), with or without ``openai/``."""
    name = model.removeprefix("openai/")
    return name.startswith(OPENAI_PREFIXES) or name in _BARE_O_SERIES


class OpenAIResponsesTransport(Transport):
    """Sends model calls through ``AsyncOpenAI(...).responses.create``."""

    name = PROVIDER

    def __init__(self) -> None:
        self._clients = OpenAIClients()

    async def send(self, call: ModelCall) -> ModelResponse:
        client = await self._clients.client(openai_settings(call.options))
        kwargs = responses_kwargs(call)
        with ProviderErrors(provider=PROVIDER, model=call.model):
            response = await client.responses.create(**kwargs)
            return model_response_from(response)

    async def stream(self, call: ModelCall) -> AsyncGenerator[StreamDelta, None]:
        client = await self._clients.client(openai_settings(call.options))
        kwargs, reader = responses_kwargs(call), StreamReader(call.model)
        errors = ProviderErrors(provider=PROVIDER, model=call.model)
        with errors:
            events = await client.responses.create(**kwargs)
        async with aclosing(read_events(events, reader, errors)) as deltas:
            async for delta in deltas:
                yield delta

    async def aclose(self) -> None:
        """Close the clients opened on the current event loop."""
        await self._clients.aclose()
