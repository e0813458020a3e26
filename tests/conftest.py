"""Shared fixtures: both event-loop backends, the loopback server, and a network guard.

Every async test runs on asyncio and on trio. Any attempt to resolve or connect to a host
that is not loopback fails the test: tests never touch the internet.
"""

from __future__ import annotations

import inspect
import ipaddress
import os
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest

from llm_factory_toolkit.testing import LoopbackLLMServer
from tests.support import OPEN_CLIENTS

# The package's own pytest plugin, also when it runs from a checkout that is not installed; an
# installed entry point registers it under this same name, so it is never loaded twice.
pytest_plugins = ["llm_factory_toolkit.testing.pytest_plugin"]

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_LOCAL_ANTHROPIC_BETA_HEADERS", "True")
os.environ.setdefault("LITELLM_MODE", "PRODUCTION")

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_loopback(host: Any) -> bool:
    if host is None or isinstance(host, bytes | bytearray):
        host = (host or b"").decode() if host is not None else ""
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


class NetworkAccessBlocked(RuntimeError):
    """Raised when code under test tries to reach a host that is not loopback."""


def _network_guard(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.getaddrinfo" and not _is_loopback(args[0]):
        raise NetworkAccessBlocked(f"tests may not resolve {args[0]!r}")
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            raise NetworkAccessBlocked(f"tests may not connect to {address!r}")


def pytest_configure(config: pytest.Config) -> None:
    sys.addaudithook(_network_guard)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def _close_loopback_clients() -> AsyncIterator[None]:
    """Close the clients the test made, on its own event loop, before that loop ends."""
    yield
    while OPEN_CLIENTS:
        await OPEN_CLIENTS.pop().aclose()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        async_test = isinstance(item, pytest.Function) and inspect.iscoroutinefunction(item.obj)
        if async_test and item.get_closest_marker("anyio"):
            item.fixturenames.append("_close_loopback_clients")


@pytest.fixture
def server(llm_server: LoopbackLLMServer) -> LoopbackLLMServer:
    """A fresh loopback LLM server for one test: the plugin's ``llm_server``, by its short name."""
    return llm_server


@pytest.fixture(autouse=True)
def _no_provider_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests pass keys explicitly; a developer's real keys must never be picked up."""
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
