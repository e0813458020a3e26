"""The README's examples run offline, as written, and print what they promise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).parents[1] / "examples"


def run_example(name: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "LLM_MODEL"}
    env["PYTHONPATH"] = str(EXAMPLES.parent)  # the checkout under test, not an installed copy
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert "Traceback" not in completed.stderr
    return completed.stdout


def test_quickstart_runs_offline_with_a_tool_and_injected_context() -> None:
    """No LLM_MODEL: it says so, runs the tool with the injected user id, and answers."""
    out = run_example("quickstart.py")
    assert "running offline against the loopback LLM server" in out
    assert "Answer: It is 21°C and sunny in Paris." in out
    assert "'requested_by': 'u-42'" in out


def test_custom_middleware_example_times_calls_on_trio() -> None:
    """The timing stage sees both model calls and both tool calls; the observer sees tools."""
    out = run_example("custom_middleware.py")
    assert "Answer: 100 EUR is 108 USD or 85 GBP." in out
    assert out.count("event: convert finished") == 2
    assert out.count("model openai/loopback-model:") == 2
    assert out.count("tool convert:") == 2


def test_mcp_tools_example_calls_a_served_factory_over_stdio_on_trio() -> None:
    """The generation calls the tool of the MCP server (a served factory) it started."""
    out = run_example("mcp_tools.py")
    assert "Answer: 100 EUR is 108 USD." in out
    assert "MCP tools offered: ['exchange_rate']" in out
    assert "on MCP server 'rates' said: " in out and '"rate": 1.08' in out


def test_durable_dbos_example_answers_reads_back_and_runs_only_the_approved_call() -> None:
    out = run_example("durable_dbos.py")
    assert "Answer: It is 21°C in Paris." in out
    assert "Read again by workflow id: It is 21°C in Paris." in out
    assert "After approval: Paris is 21°C; Oslo was not approved." in out
