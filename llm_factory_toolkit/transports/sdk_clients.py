"""SDK clients cached per settings and per event loop, shared by the native transports.

An HTTP connection pool belongs to the event loop that opened it, so a client is never
shared between, say, an asyncio test and a trio test. Clients are built with the SDK's own
retries off (``max_retries=0``): retrying is a stage's job, so every attempt is seen, counted
and priced once.
"""

from __future__ import annotations

import inspect
import sys
import warnings
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

import anyio

from ..exceptions import ConfigurationError
from ..settings import env_value
from .loop_cache import PerLoopCache

CLIENT_OPTIONS = frozenset(
    {"api_key", "api_base", "base_url", "timeout", "max_retries", "num_retries", "organization"}
)
"""Provider options that configure the SDK client rather than the request."""


class ClientCache:
    """One SDK client per (event loop, settings), closed when its loop shuts down
    (``PerLoopCache``), or by ``aclose`` for the running loop."""

    def __init__(self, factory: Callable[[dict[str, Any]], Any]) -> None:
        self._factory = factory
        self._clients: PerLoopCache[Any] = PerLoopCache(_close_client)

    async def get(self, settings: dict[str, Any]) -> Any:
        """The client built from ``settings`` on the current event loop."""
        key = repr(sorted(settings.items()))
        return await self._clients.get(key, lambda: self._factory(settings))

    async def aclose(self) -> None:
        """Close the clients opened on the current event loop."""
        await self._clients.aclose_current()


async def _close_client(client: Any) -> None:
    await client.close()


def sdk_settings(
    options: Mapping[str, Any], *, key_env: str, provider: str, base_url: str | None = None
) -> dict[str, Any]:
    """Client arguments from the provider options, the key variable ``key_env`` and defaults."""
    api_key = options.get("api_key") or env_value(key_env)
    if not api_key:
        raise ConfigurationError(
            f"No API key for {provider}: set the environment variable {key_env} (or put it "
            "in .env), or pass api_key= to LLMClient."
        )
    settings: dict[str, Any] = {"api_key": api_key}
    base_url = options.get("api_base") or options.get("base_url") or base_url
    if base_url:
        settings["base_url"] = base_url
    settings["max_retries"] = 0  # the retry stage is the one retry authority
    if options.get("timeout") is not None:
        settings["timeout"] = options["timeout"]
    return settings


def load_sdk(module: str, extra: str, purpose: str) -> ModuleType:
    """Import ``module``, or raise a ``ConfigurationError`` naming the extra to install."""
    try:
        return __import__(module)
    except ImportError as exc:
        raise ConfigurationError(
            f"{purpose} use the {module} package, which is not installed: "
            f"pip install 'llm-factory-toolkit[{extra}]'"
        ) from exc


async def load_sdk_async(module: str, extra: str, purpose: str) -> ModuleType:
    """``load_sdk`` on a worker thread the first time, so the event loop never stalls."""
    loaded = sys.modules.get(module)
    if loaded is not None:
        return loaded
    return await anyio.to_thread.run_sync(load_sdk, module, extra, purpose)


TOOLKIT_OPTIONS = frozenset({"route", "prompt_cache"})
"""Options the toolkit reads itself; no provider receives them as they are."""


def accepted_options(
    options: Mapping[str, Any],
    known: frozenset[str],
    *,
    api: str,
    aliases: Mapping[str, str] | None = None,
    set_here: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The provider options an SDK method accepts (``known``); warns about the ones dropped.

    They are dropped rather than refused because the same options may be meant for other
    models on other routes (a litellm-only option such as ``drop_params``, say).
    """
    accepted, dropped = {}, []
    for name, value in options.items():
        target = (aliases or {}).get(name, name)
        if name in CLIENT_OPTIONS or name in TOOLKIT_OPTIONS or name in set_here:
            continue
        if target in known:
            accepted[target] = value
        else:
            dropped.append(name)
    if dropped:
        warnings.warn(
            f"the {api} does not accept {', '.join(sorted(dropped))}; dropped for this call",
            UserWarning,
            stacklevel=3,
        )
    return accepted


def parameters_of(method: Callable[..., Any]) -> frozenset[str]:
    """The keyword parameters an SDK method takes."""
    return frozenset(inspect.signature(method).parameters) - {"self"}
