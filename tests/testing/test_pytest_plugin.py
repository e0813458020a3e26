"""The pytest plugin: its fixtures work in a suite with no conftest, it loads nothing heavy
at start-up, and loading it twice under its entry-point name is harmless."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PLUGIN = "llm_factory_toolkit.testing.pytest_plugin"
ROOT = Path(__file__).parents[2]

USER_SUITE = """
import sys

import anyio

from llm_factory_toolkit.testing import Text, ToolCalls, ToolCallSpec

HEAVY = ("asyncio", "litellm", "openai", "httpx", "pydantic", "structlog", "jsonschema")
AT_START = [name for name in HEAVY if name in sys.modules]


def test_start_up_loads_nothing_heavy():
    assert AT_START == []


def test_the_fixtures_run_a_tool_offline(llm_server, scripted_client, captured_events):
    scripted_client.register_tool(lambda city: {"celsius": 21}, name="get_weather")
    for backend in ("asyncio", "trio"):
        llm_server.script(
            ToolCalls([ToolCallSpec("get_weather", {"city": "Oslo"})]), Text("21 degrees.")
        )
        result = anyio.run(scripted_client.generate, "Weather in Oslo?", backend=backend)
        assert result.content == "21 degrees."
    assert len(llm_server.requests) == 4
    assert llm_server.requests[1].body["messages"][-1]["content"] == '{"celsius": 21}'
    assert captured_events.kinds.count("tool_call.finished") == 2
"""


def run_pytest(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest in a fresh process with no plugin auto-loading: only what ``args`` load."""
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_suite_without_conftest_gets_the_fixtures(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(USER_SUITE)
    completed = run_pytest(tmp_path, "-p", PLUGIN)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "2 passed" in completed.stdout


def test_without_the_plugin_the_fixtures_are_unknown(tmp_path: Path) -> None:
    """The control: the fixtures above come from the plugin, not from anywhere else."""
    (tmp_path / "test_user.py").write_text(USER_SUITE)
    completed = run_pytest(tmp_path)
    assert completed.returncode == 1
    assert "fixture 'llm_server' not found" in completed.stdout


def test_the_plugin_named_twice_registers_once() -> None:
    """This suite's conftest names the plugin too; with ``-p`` (as the entry point does) it
    still runs once, with no duplicate-registration error."""
    module = "tests/tools/test_intents.py::test_a_plain_answer_plans_no_calls"
    completed = run_pytest(ROOT, "-p", "anyio", "-p", PLUGIN, module)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "2 passed" in completed.stdout
