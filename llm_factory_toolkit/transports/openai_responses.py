"""``OpenAIResponsesTransport``: OpenAI models through the native Responses API.

The ``openai`` SDK is anyio-native, so this transport runs directly on asyncio and on trio
(no bridge thread), and cancelling the caller closes the HTTP connection at once. The SDK is
an optional dependency (``pip install llm-factory-toolkit[openai]``), imported on first use,
on a worker thread because the import takes most of a second.

``AsyncOpenAI`` clients are cached per settings (key, base URL, timeout, retries,
organization) and per event loop (``PerLoopCache``): an HTTP connection pool belongs to the
loop that opened it, so a client is never shared between, say, an asyncio test and a trio
test, and the clients are closed when their loop shuts down.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncGenerator, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

import anyio

from ..exceptions import ConfigurationError
from ..settings import env_value
from .base import StreamDelta, Transport
from .errors import ProviderErrors
from .loop_cache import PerLoopCache
from .responses_output import PROVIDER, StreamReader, model_response_from
from .responses_request import responses_kwargs

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
        self._clients: PerLoopCache[Any] = PerLoopCache(_close_client)

    async def send(self, call: ModelCall) -> ModelResponse:
        client = await self._client(call.options)
        kwargs = responses_kwargs(call)
        with ProviderErrors(provider=PROVIDER, model=call.model):
            response = await client.responses.create(**kwargs)
            return model_response_from(response)

    async def stream(self, call: ModelCall) -> AsyncGenerator[StreamDelta, None]:
        client = await self._client(call.options)
        kwargs, reader = responses_kwargs(call), StreamReader(call.model)
        errors = ProviderErrors(provider=PROVIDER, model=call.model)
        with errors:
            events = await client.responses.create(**kwargs)
        try:
            while (event := await _next_event(events, errors)) is not None:
                delta = reader.delta(event)
                if delta is not None:
                    yield delta
            reader.check_finished()
        finally:
            with anyio.CancelScope(shield=True):
                await events.close()

    async def aclose(self) -> None:
        """Close the clients opened on the current event loop."""
        await self._clients.aclose_current()

    async def _client(self, options: Mapping[str, Any]) -> Any:
        settings = client_settings(options)
        openai = await load_openai_async()
        key = repr(sorted(settings.items()))
        return await self._clients.get(key, lambda: openai.AsyncOpenAI(**settings))


async def _close_client(client: Any) -> None:
    await client.close()


async def _next_event(events: Any, errors: ProviderErrors) -> Any:
    with errors:
        try:
            return await events.__anext__()
        except StopAsyncIteration:
            return None


def client_settings(options: Mapping[str, Any]) -> dict[str, Any]:
    """``AsyncOpenAI`` arguments from the provider options and the usual environment."""
    api_key = options.get("api_key") or env_value("OPENAI_API_KEY")
    if not api_key:
        raise ConfigurationError(
            "No API key for OpenAI: set the environment variable OPENAI_API_KEY (or put it "
            "in .env), or pass api_key= to LLMClient."
        )
    # No SDK retries: the retry stage is the one retry authority.
    settings: dict[str, Any] = {"api_key": api_key, "max_retries": 0}
    base_url = options.get("api_base") or options.get("base_url")
    base_url = base_url or env_value("OPENAI_BASE_URL")
    if base_url:
        settings["base_url"] = base_url
    for name in ("timeout", "organization"):
        if options.get(name) is not None:
            settings[name] = options[name]
    return settings


def load_openai() -> ModuleType:
    """The ``openai`` package, or a ``ConfigurationError`` naming the extra to install."""
    try:
        import openai
    except ImportError as exc:
        raise ConfigurationError(
            "OpenAI models use the openai package, which is not installed: "
            "pip install 'llm-factory-toolkit[openai]'"
        ) from exc
    return openai


async def load_openai_async() -> ModuleType:
    """``load_openai`` on a worker thread the first time, so the event loop never stalls."""
    module = sys.modules.get("openai")
    if module is not None:
        return module
    return await anyio.to_thread.run_sync(load_openai)
