"""API keys: the ``api_key`` argument, then the environment, then a ``.env`` file.

The ``.env`` file is found from the working directory upwards when the first client is made,
with no user code; its values serve the toolkit's key lookup and never enter ``os.environ``.
Which key was used is read from the headers the loopback server received.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from llm_factory_toolkit import ConfigurationError, LLMClient, settings
from llm_factory_toolkit.testing import LoopbackLLMServer, Text
from tests.support import loopback_client

from .conftest import MODELS

pytestmark = pytest.mark.anyio

KEY_VARIABLES = {"chat": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project directory with a ``.env`` two levels above the working directory.

    The toolkit has not read any ``.env`` yet, and every variable the file may set is removed
    again after the test.
    """
    (tmp_path / ".env").write_text(
        "OPENAI_API_KEY=sk-openai-from-dotenv\nANTHROPIC_API_KEY=sk-ant-from-dotenv\n"
        "DATABASE_URL=postgres://from-dotenv\n"
    )
    workdir = tmp_path / "src" / "app"
    workdir.mkdir(parents=True)
    monkeypatch.chdir(workdir)
    monkeypatch.setattr(settings, "_loaded", False)
    monkeypatch.setattr(settings, "_values", {})
    for name in [*KEY_VARIABLES.values(), "DATABASE_URL"]:
        monkeypatch.setenv(name, "placeholder")  # so that teardown restores "unset"
        monkeypatch.delenv(name)
    return tmp_path


def keyless_client(server: LoopbackLLMServer, wire: str, api_key: str | None = None) -> LLMClient:
    return loopback_client(server, MODELS[wire], api_key=api_key, max_tokens=None)


async def key_sent(client: LLMClient, server: LoopbackLLMServer, wire: str) -> str:
    server.script(Text("ok"))
    await client.generate(input="hi")
    headers = server.requests[-1].headers
    return headers["x-api-key"] if wire == "anthropic" else headers["authorization"]


def expected(wire: str, key: str) -> str:
    return key if wire == "anthropic" else f"Bearer {key}"


async def test_dotenv_is_found_without_user_code(
    project: Path, server: LoopbackLLMServer, wire: str
) -> None:
    client = keyless_client(server, wire)
    found = "sk-ant-from-dotenv" if wire == "anthropic" else "sk-openai-from-dotenv"
    assert await key_sent(client, server, wire) == expected(wire, found)
    assert KEY_VARIABLES[wire] not in os.environ


async def test_dotenv_never_writes_the_environment(project: Path) -> None:
    """A ``.env`` above the working directory must not set variables for the whole process."""
    LLMClient(model="openai/gpt-4o-mini")
    assert settings.env_value("DATABASE_URL") == "postgres://from-dotenv"
    assert "DATABASE_URL" not in os.environ
    assert "OPENAI_API_KEY" not in os.environ


async def test_the_environment_wins_over_dotenv(
    project: Path, server: LoopbackLLMServer, wire: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VARIABLES[wire], "sk-from-environment")
    client = keyless_client(server, wire)
    assert await key_sent(client, server, wire) == expected(wire, "sk-from-environment")
    assert os.environ[KEY_VARIABLES[wire]] == "sk-from-environment"


async def test_the_argument_wins_over_everything(
    project: Path, server: LoopbackLLMServer, wire: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VARIABLES[wire], "sk-from-environment")
    client = keyless_client(server, wire, api_key="sk-direct")
    assert await key_sent(client, server, wire) == expected(wire, "sk-direct")


async def test_dotenv_is_read_once(project: Path, server: LoopbackLLMServer) -> None:
    keyless_client(server, "anthropic")
    (project / ".env").write_text("ANTHROPIC_API_KEY=sk-changed-later\n")
    client = keyless_client(server, "anthropic")
    assert await key_sent(client, server, "anthropic") == "sk-ant-from-dotenv"


async def test_a_missing_key_names_the_variable(
    tmp_path: Path, server: LoopbackLLMServer, wire: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No argument, no variable, no ``.env``: a ConfigurationError before any request."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(settings, "_loaded", False)
    monkeypatch.setattr(settings, "_values", {})
    with pytest.raises(ConfigurationError, match=KEY_VARIABLES[wire]):
        await keyless_client(server, wire).generate(input="hi")
    assert server.requests == []


def test_a_vanished_working_directory_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    monkeypatch.setattr(settings, "_loaded", False)
    monkeypatch.setattr(settings, "_values", {})
    settings.load_dotenv_once()
    assert settings._loaded
