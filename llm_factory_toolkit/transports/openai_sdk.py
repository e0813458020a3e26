"""The ``openai`` package for the native OpenAI transports: loaded lazily, clients cached.

The SDK is an optional dependency (``pip install llm-factory-toolkit[openai]``), imported on
first use, on a worker thread because the import takes most of a second. It is anyio-native,
so the transports built on it run directly on asyncio and on trio (no bridge thread), and
cancelling the caller closes the HTTP connection at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any

from ..settings import env_value
from .sdk_clients import ClientCache, load_sdk, load_sdk_async, sdk_settings

_PURPOSE = "OpenAI models"


def load_openai() -> ModuleType:
    """The ``openai`` package, or a ``ConfigurationError`` naming the extra to install."""
    return load_sdk("openai", "openai", _PURPOSE)


async def load_openai_async() -> ModuleType:
    """``load_openai`` on a worker thread the first time."""
    return await load_sdk_async("openai", "openai", _PURPOSE)


def openai_settings(
    options: Mapping[str, Any],
    *,
    key_env: str = "OPENAI_API_KEY",
    provider: str = "OpenAI",
    base_url: str | None = None,
) -> dict[str, Any]:
    """``AsyncOpenAI`` arguments; OpenAI's own API also reads ``OPENAI_BASE_URL``."""
    if key_env == "OPENAI_API_KEY":
        base_url = base_url or env_value("OPENAI_BASE_URL")
    settings = sdk_settings(options, key_env=key_env, provider=provider, base_url=base_url)
    if options.get("organization") is not None:
        settings["organization"] = options["organization"]
    return settings


class OpenAIClients(ClientCache):
    """``AsyncOpenAI`` clients per settings and per event loop, the SDK loaded on first use."""

    def __init__(self) -> None:
        super().__init__(lambda settings: load_openai().AsyncOpenAI(**settings))

    async def client(self, settings: dict[str, Any]) -> Any:
        """The client for ``settings``, importing the SDK off the event loop the first time."""
        await load_openai_async()
        return await self.get(settings)
