"""``OpenAIResponsesTransport``: OpenAI models through the native Responses API.

Runs on the ``openai`` SDK directly, on asyncio and on trio (see ``openai_sdk``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from .base import StreamDelta, Transport
from .errors import ProviderErrors
from .openai_sdk import OpenAIClients, openai_settings
from .responses_output import PROVIDER, StreamReader, model_response_from
from .responses_request import responses_kwargs
from .sdk_stream import sdk_deltas

if TYPE_CHECKING:
    from ..core.calls import ModelCall, ModelResponse

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

    def stream(self, call: ModelCall) -> AsyncGenerator[StreamDelta, None]:
        async def open_stream() -> Any:
            client = await self._clients.client(openai_settings(call.options))
            return await client.responses.create(**responses_kwargs(call))

        errors = ProviderErrors(provider=PROVIDER, model=call.model)
        return sdk_deltas(open_stream, StreamReader(call.model), errors)

    async def aclose(self) -> None:
        """Close the clients opened on the current event loop."""
        await self._clients.aclose()
