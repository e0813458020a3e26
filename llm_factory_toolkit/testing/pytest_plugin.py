"""pytest fixtures for testing agents offline, registered through the ``pytest11`` entry point.

Installing the package makes them available in every test suite, with no import:

* ``llm_server``: a :class:`LoopbackLLMServer` started for the test and stopped after it.
* ``scripted_client``: an :class:`LLMClient` whose model is ``llm_server`` (OpenAI Chat
  Completions through litellm, key ``"test"``, no SDK retries): script its answers with
  ``llm_server.script(...)`` and give it tools with ``scripted_client.register_tool(...)``.
* ``captured_events``: the :class:`EventLog` of everything ``scripted_client`` emits.

Nothing is imported at pytest start-up beyond pytest itself: the toolkit loads when a
test first asks for one of these fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from llm_factory_toolkit import LLMClient
    from llm_factory_toolkit.testing import EventLog, LoopbackLLMServer

SCRIPTED_MODEL = "openai/loopback-model"
"""The model name ``scripted_client`` sends: any ``openai/`` name with an ``api_base`` goes
to the server's Chat Completions endpoint."""


@pytest.fixture
def llm_server() -> Iterator[LoopbackLLMServer]:
    """A loopback LLM server on 127.0.0.1 for one test; its turns come from ``script()``."""
    from llm_factory_toolkit.testing import LoopbackLLMServer

    with LoopbackLLMServer() as server:
        yield server


@pytest.fixture
def scripted_client(llm_server: LoopbackLLMServer) -> LLMClient:
    """A client answered by ``llm_server``: real HTTP through litellm, no key needed."""
    from llm_factory_toolkit import LLMClient

    return LLMClient(
        model=SCRIPTED_MODEL,
        api_key="test",
        api_base=llm_server.openai_base_url,
        max_retries=0,
    )


@pytest.fixture
def captured_events(scripted_client: LLMClient) -> Iterator[EventLog]:
    """Every event ``scripted_client`` emits during the test, in order."""
    from llm_factory_toolkit.testing import capture_events

    with capture_events(scripted_client.events) as log:
        yield log
