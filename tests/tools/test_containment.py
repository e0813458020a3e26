"""What a tool does cannot end or unbalance the run: stray ``BaseException``s, huge results,
and cancellation all end in a result or a terminal event, on both backends."""

from __future__ import annotations

import asyncio
from typing import Any

import anyio
import pytest

from llm_factory_toolkit import ToolFactory
from llm_factory_toolkit.pipeline import events as ev
from llm_factory_toolkit.testing import (
    LoopbackLLMServer,
    Text,
    ToolCalls,
    ToolCallSpec,
    capture_events,
)
from tests.support import loopback_client, tool_results

from .helpers import MODELS, status_of

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize("model", MODELS)]


class Stray(BaseException):
    """A ``BaseException`` that is neither cancellation nor an exit."""


def factory_with(function: Any) -> ToolFactory:
    factory = ToolFactory()
    factory.register_tool(function, name="act", parameters={"type": "object", "properties": {}})
    return factory


def call_then_answer(server: LoopbackLLMServer) -> None:
    server.script(ToolCalls([ToolCallSpec("act", {}, id="call_1")]), Text("Done."))


@pytest.mark.parametrize("raised", [asyncio.CancelledError, Stray, GeneratorExit])
async def test_a_stray_base_exception_from_a_tool_is_an_error_result(
    server: LoopbackLLMServer, model: str, raised: type[BaseException]
) -> None:
    async def act() -> str:
        raise raised("gone")

    call_then_answer(server)
    client = loopback_client(server, model, tool_factory=factory_with(act))
    with capture_events(client.events) as log:
        result = await client.generate(input="Act.")

    assert result.content == "Done." and len(server.requests) == 2
    sent = tool_results(server.requests[1])["call_1"]
    assert status_of(sent) == "execution_error" and raised.__name__ in sent
    assert [type(event) for event in log if isinstance(event, ev.ToolCallFailed)] == [
        ev.ToolCallFailed
    ]


async def test_system_exit_from_a_tool_ends_the_run_with_an_event_and_the_transcript(
    server: LoopbackLLMServer, model: str
) -> None:
    def act() -> str:
        raise SystemExit(3)

    call_then_answer(server)
    client = loopback_client(server, model, tool_factory=factory_with(act))
    with capture_events(client.events) as log, pytest.raises(SystemExit) as raised:
        await client.generate(input="Act.")

    assert len(server.requests) == 1
    failed = [event for event in log if isinstance(event, ev.GenerationFailed)]
    assert [event.error_type for event in failed] == ["SystemExit"]
    assert [event.error for event in log if isinstance(event, ev.ToolCallFailed)] == ["SystemExit"]
    transcript = raised.value.transcript  # type: ignore[attr-defined]
    assert transcript[0]["content"] == "Act."
    assert transcript[-1]["tool_calls"][0]["id"] == "call_1"


@pytest.mark.parametrize(("client_cap", "call_cap"), [(None, 1000), (1000, None)])
async def test_a_20_mb_result_is_cut_for_the_model_and_kept_whole_in_the_payload(
    server: LoopbackLLMServer, model: str, client_cap: int | None, call_cap: int | None
) -> None:
    huge = "x" * 20_000_000

    def act() -> str:
        return huge

    call_then_answer(server)
    options = {} if client_cap is None else {"max_tool_result_chars": client_cap}
    per_call = {} if call_cap is None else {"max_tool_result_chars": call_cap}
    client = loopback_client(server, model, tool_factory=factory_with(act), **options)
    result = await client.generate(input="Act.", **per_call)

    sent = tool_results(server.requests[1])["call_1"]
    assert sent.startswith("x" * 1000) and not sent.startswith("x" * 1001)
    assert "[truncated: the tool returned 20000000 characters" in sent
    assert len(server.requests[1].raw_body) < 10_000
    assert result.payloads[0]["payload"] == huge


async def test_the_default_cap_applies_and_none_lifts_it(
    server: LoopbackLLMServer, model: str
) -> None:
    def act() -> str:
        return "y" * 150_000

    server.script(
        ToolCalls([ToolCallSpec("act", {}, id="call_1")]),
        Text("Done."),
        ToolCalls([ToolCallSpec("act", {}, id="call_2")]),
        Text("Done."),
    )
    client = loopback_client(server, model, tool_factory=factory_with(act))
    await client.generate(input="Act.")
    await client.generate(input="Act.", max_tool_result_chars=None)

    capped = tool_results(server.requests[1])["call_1"]
    whole = tool_results(server.requests[3])["call_2"]
    assert capped.startswith("y" * 100_000) and "truncated" in capped
    assert whole == "y" * 150_000


async def test_a_cancelled_run_closes_every_step_it_opened(
    server: LoopbackLLMServer, model: str
) -> None:
    started = anyio.Event()

    async def act() -> str:
        started.set()
        await anyio.sleep_forever()
        return "never"

    call_then_answer(server)
    client = loopback_client(server, model, tool_factory=factory_with(act))
    with capture_events(client.events) as log:
        async with anyio.create_task_group() as group:
            group.start_soon(lambda: client.generate(input="Act."))
            await started.wait()
            group.cancel_scope.cancel()

    kinds = [event.kind for event in log]
    for step in ("generation", "model_call", "tool_call"):
        opened = kinds.count(f"{step}.started")
        closed = sum(kinds.count(f"{step}.{end}") for end in ("finished", "failed", "cancelled"))
        assert opened == closed >= 1, (step, kinds)
    assert kinds[-2:] == ["tool_call.cancelled", "generation.cancelled"]
    assert not any(kind.endswith(".failed") for kind in kinds)
    assert len(server.requests) == 1


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_plain_asyncio_timeout_still_cancels_the_run(
    server: LoopbackLLMServer, model: str
) -> None:
    """``asyncio.timeout`` cancels the task once, outside any anyio scope: the tool's
    ``CancelledError`` is then the run's own and must propagate, not become a result."""
    started = anyio.Event()

    async def act() -> str:
        started.set()
        await anyio.sleep_forever()
        return "never"

    async def cancel_when_started(task: asyncio.Task[Any]) -> None:
        await started.wait()
        task.cancel()

    call_then_answer(server)
    client = loopback_client(server, model, tool_factory=factory_with(act))
    with capture_events(client.events) as log:
        task = asyncio.ensure_future(client.generate(input="Act."))
        canceller = asyncio.ensure_future(cancel_when_started(task))
        with pytest.raises(asyncio.CancelledError):
            await task
        await canceller

    kinds = [event.kind for event in log]
    assert kinds[-2:] == ["tool_call.cancelled", "generation.cancelled"]
    assert len(server.requests) == 1


async def test_a_stream_closed_early_ends_as_cancelled(
    server: LoopbackLLMServer, model: str
) -> None:
    server.script(Text("one two three four five six seven eight nine ten " * 20))
    client = loopback_client(server, model)
    with capture_events(client.events) as log:
        stream = await client.generate(input="Count.", stream=True)
        async for _ in stream:
            break
        await stream.aclose()

    kinds = [event.kind for event in log if not event.kind.startswith("stream.")]
    assert kinds == [
        "generation.started",
        "model_call.started",
        "model_call.cancelled",
        "generation.cancelled",
    ]
