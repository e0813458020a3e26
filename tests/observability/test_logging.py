"""Step logging: one structlog event per step, with its run's context; quiet by default."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from llm_factory_toolkit import LLMClient, RateLimitError, RetryPolicy, ToolFactory
from llm_factory_toolkit.testing import Fail, ScriptedTransport, Text, ToolCalls, ToolCallSpec
from tests.support import weather_factory

from .conftest import captured_logs

pytestmark = pytest.mark.anyio

STEP_EVENTS = ("generation.", "model_call.", "tool_call.")


def step_entries(entries: list[dict[str, object]]) -> list[dict[str, object]]:
    return [e for e in entries if str(e["event"]).startswith(STEP_EVENTS)]


async def test_one_event_per_step_with_the_runs_context() -> None:
    """Model call, tool call, model call, generation: each ends with one DEBUG event."""
    client = LLMClient(
        model="openai/gpt-4o-mini",
        transport=ScriptedTransport(
            ToolCalls([ToolCallSpec("get_weather", {"city": "Oslo"}, id="call_9")]), Text("Cold.")
        ),
        tool_factory=weather_factory(),
    )
    with captured_logs() as entries:
        result = await client.generate(input="Oslo?")
    steps = step_entries(entries)
    assert [e["event"] for e in steps] == [
        "model_call.finished",
        "tool_call.finished",
        "model_call.finished",
        "generation.finished",
    ]
    assert {e["log_level"] for e in steps} == {"debug"}
    run_ids = {e["run_id"] for e in steps}
    assert len(run_ids) == 1 and None not in run_ids
    assert {e["model"] for e in steps} == {"openai/gpt-4o-mini"}
    first_call, tool, second_call, generation = steps
    assert (first_call["iteration"], tool["iteration"], second_call["iteration"]) == (1, 1, 2)
    assert tool["tool_name"] == "get_weather" and tool["tool_call_id"] == "call_9"
    assert first_call["finish_reason"] == "tool_calls" and first_call["tool_calls"] == 1
    assert generation["iterations"] == 2
    assert generation["input_tokens"] == result.usage.input_tokens
    assert generation["cost_usd"] == result.usage.cost_usd
    assert all(isinstance(e["duration_s"], float) for e in steps)


async def test_failures_are_warnings() -> None:
    """A failed model call and the failed generation are WARNING events with the error type."""
    client = LLMClient(
        model="scripted/m",
        transport=ScriptedTransport(Fail(429)),
        retry=RetryPolicy(max_attempts=1),
    )
    with captured_logs() as entries, pytest.raises(RateLimitError):
        await client.generate(input="hi")
    steps = step_entries(entries)
    assert [(e["event"], e["log_level"]) for e in steps] == [
        ("model_call.failed", "warning"),
        ("generation.failed", "warning"),
    ]
    assert {e["error_type"] for e in steps} == {"RateLimitError"}


async def test_a_failed_tool_is_logged_without_its_message() -> None:
    """The tool's exception text may quote injected values, so only its type is logged."""

    def charge(amount: int) -> str:
        raise ValueError("card 4111-secret declined")

    factory = ToolFactory()
    factory.register_tool(
        charge, parameters={"type": "object", "properties": {"amount": {"type": "integer"}}}
    )
    client = LLMClient(
        model="scripted/m",
        transport=ScriptedTransport(
            ToolCalls([ToolCallSpec("charge", {"amount": 3})]), Text("Sorry.")
        ),
        tool_factory=factory,
    )
    with captured_logs() as entries:
        await client.generate(input="pay")
    (tool,) = [e for e in step_entries(entries) if str(e["event"]).startswith("tool_call.")]
    assert (tool["event"], tool["log_level"], tool["error_type"]) == (
        "tool_call.failed",
        "warning",
        "tool_error",
    )
    assert "4111-secret" not in repr(step_entries(entries))


RUN = """
import anyio
from llm_factory_toolkit import LLMClient, ToolFactory
from llm_factory_toolkit.testing import ScriptedTransport, Text, ToolCalls, ToolCallSpec

def get_weather(city: str) -> str:
    return "sunny"

factory = ToolFactory()
factory.register_tool(get_weather, parameters={"type": "object", "properties": {}})

async def main() -> None:
    turns = ScriptedTransport(ToolCalls([ToolCallSpec("get_weather", {"city": "Oslo"})]),
                              Text("Sunny."))
    client = LLMClient(model="scripted/m", transport=turns, tool_factory=factory)
    await client.generate(input="Oslo?")

anyio.run(main)
"""


def run_app(setup: str, after: str = "") -> subprocess.CompletedProcess[str]:
    """Run a tool-using generation in a fresh interpreter after ``setup``; keep its output."""
    code = textwrap.dedent(setup) + RUN + after
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )


def test_an_unconfigured_application_sees_nothing() -> None:
    """No logging set up anywhere: a normal run prints nothing, and structlog stays
    unconfigured (the library never calls ``structlog.configure``)."""
    done = run_app("", after="import structlog; print(structlog.is_configured())")
    assert (done.stdout, done.stderr) == ("False\n", "")


def test_stdlib_logging_at_debug_shows_the_steps() -> None:
    """An application on the standard library's logging sees the steps once it asks for DEBUG."""
    done = run_app("import logging; logging.basicConfig(level=logging.DEBUG)")
    ours = [line for line in done.stderr.splitlines() if ":llm_factory_toolkit:" in line]
    assert [line.split("event='")[1].split("'")[0] for line in ours] == [
        "model_call.finished",
        "tool_call.finished",
        "model_call.finished",
        "generation.finished",
    ]
    assert all(line.startswith("DEBUG:") and "run_id=" in line for line in ours)


def test_a_structlog_application_filters_by_its_own_level() -> None:
    """Configured structlog: silent at INFO, one JSON line per step at DEBUG."""
    configure = """
        import logging, structlog
        structlog.configure(
            processors=[structlog.processors.add_log_level, structlog.processors.JSONRenderer()],
            wrapper_class=structlog.make_filtering_bound_logger(logging.{level}),
        )
    """
    assert run_app(configure.format(level="INFO")).stdout == ""
    lines = run_app(configure.format(level="DEBUG")).stdout.splitlines()
    events = [json.loads(line) for line in lines]
    assert [e["event"] for e in events] == [
        "model_call.finished",
        "tool_call.finished",
        "model_call.finished",
        "generation.finished",
    ]
    assert {e["level"] for e in events} == {"debug"}


FAILING_RUN = """
async def failing() -> None:
    def broken(city: str) -> str:
        raise RuntimeError("down")

    tools = ToolFactory()
    tools.register_tool(broken, parameters={"type": "object", "properties": {}})
    turns = ScriptedTransport(ToolCalls([ToolCallSpec("broken", {"city": "Oslo"})]),
                              Text("Sorry."))
    client = LLMClient(model="scripted/m", transport=turns, tool_factory=tools)
    await client.generate(input="Oslo?")

anyio.run(failing)
"""


def test_an_unconfigured_application_sees_no_warning_either() -> None:
    """A failing tool logs a WARNING; with no logging configured, nothing reaches stderr."""
    done = run_app("", after=FAILING_RUN)
    assert (done.stdout, done.stderr) == ("", "")


def test_warnings_go_where_the_application_sends_its_logs() -> None:
    done = run_app("import logging, sys; logging.basicConfig(stream=sys.stdout)", FAILING_RUN)
    assert done.stderr == ""
    assert "WARNING:llm_factory_toolkit:event='tool_call.failed'" in done.stdout
