"""``OpenAIChatTransport``: any OpenAI-compatible server through the native Chat Completions API.

vLLM, llama.cpp, Ollama, LM Studio, gateways (``openai/<name>`` with ``api_base``) and the
hosted providers of ``openai_compatible.COMPATIBLE_PROVIDERS`` run on the ``openai`` SDK
directly, on asyncio and on trio, without importing litellm. The answers have the same shape
as litellm's, so the readers of ``litellm_response`` serve both routes.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .base import StreamDelta, Transport
from .chat_request import chat_kwargs
from .errors import ProviderErrors
from .litellm_response import delta_from_chunk, model_response_from
from .openai_compatible import chat_settings, compatible_provider
from .openai_sdk import OpenAIClients
from .sdk_stream import sdk_deltas

if TYPE_CHECKING:
    from ..core.calls import ModelCall, ModelResponse


class OpenAIChatTransport(Transport):
    """Sends model calls through ``AsyncOpenAI(...).chat.completions.create``."""

    name = "openai"

    def __init__(self) -> None:
        self._clients = OpenAIClients()

    async def send(self, call: ModelCall) -> ModelResponse:
        client = await self._clients.client(chat_settings(call.model, call.options))
        provider = self.provider_of(call.model)
        kwargs = chat_kwargs(call)
        with ProviderErrors(provider=provider, model=call.model):
            response = await client.chat.completions.create(**kwargs)
            return replace(model_response_from(response, model=call.model), provider=provider)

    def stream(self, call: ModelCall) -> AsyncGenerator[StreamDelta, None]:
        async def open_stream() -> Any:
            client = await self._clients.client(chat_settings(call.model, call.options))
            return await client.chat.completions.create(**chat_kwargs(call))

        errors = ProviderErrors(provider=self.provider_of(call.model), model=call.model)
        return sdk_deltas(open_stream, _ChunkReader(), errors)

    def provider_of(self, model: str) -> str:
        return compatible_provider(model) or self.name

    async def aclose(self) -> None:
        """Close the clients opened on the current event loop."""
        await self._clients.aclose()


class _ChunkReader:
    """Chat Completions chunks map one to one; the assembler notices a stream cut short."""

    def delta(self, chunk: Any) -> StreamDelta:
        return delta_from_chunk(chunk)

    def check_finished(self) -> None:
        return None
