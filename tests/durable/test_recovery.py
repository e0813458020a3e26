"""A worker killed between a tool call and the next model call: the next one resumes."""

from __future__ import annotations

from pathlib import Path

from llm_factory_toolkit.testing import LoopbackLLMServer, Text, ToolCalls, ToolCallSpec

from ..support import tool_results
from .workers import (
    finished_output,
    kill,
    start_worker,
    tool_runs,
    wait_for_file,
    worker_config,
)


def test_a_killed_worker_resumes_without_sending_or_running_anything_twice(
    server: LoopbackLLMServer, tmp_path: Path, database_url: str
) -> None:
    server.script(
        ToolCalls([ToolCallSpec("get_weather", {"city": "Paris"})]), Text("21°C in Paris.")
    )
    config = worker_config(server, tmp_path, database_url)
    crashed = start_worker("crash", config)
    wait_for_file(Path(config["marker"]), crashed)
    kill(crashed)
    assert tool_runs(config) == [{"city": "Paris", "token_ok": True}]
    assert len(server.requests) == 1

    resumed = finished_output(start_worker("resume", config))

    assert resumed["content"] == "21°C in Paris."
    assert tool_runs(config) == [{"city": "Paris", "token_ok": True}]  # not run again
    assert len(server.requests) == 2  # the first model call was not sent again
    assert "21" in tool_results(server.requests[1])["call_1"]
    # Only the second model call is reported (and traced) by the worker that resumed.
    assert not [event for event in resumed["events"] if event.startswith("tool_call.")]
    assert "model_call.started@2" in resumed["events"]
    assert "model_call.started@1" not in resumed["events"]
    assert sorted(name for name in resumed["spans"] if not name.startswith("invoke_agent")) == [
        "chat loopback-model"
    ]


def test_a_generation_waiting_for_approval_outlives_its_worker(
    server: LoopbackLLMServer, tmp_path: Path
) -> None:
    paris = ToolCallSpec("get_weather", {"city": "Paris"})
    oslo = ToolCallSpec("get_weather", {"city": "Oslo"})
    server.script(ToolCalls([paris, oslo]), Text("Paris is 21°C; Oslo was refused."))
    config = worker_config(server, tmp_path, f"sqlite:///{tmp_path / 'dbos.sqlite'}")
    waiting = start_worker("plan", config)
    wait_for_file(Path(config["marker"]), waiting)
    kill(waiting)

    decided = finished_output(start_worker("decide", config))

    assert decided["content"] == "Paris is 21°C; Oslo was refused."
    assert tool_runs(config) == [{"city": "Paris", "token_ok": True}]
    assert len(server.requests) == 2  # the plan was not asked for again
    answered = tool_results(server.requests[1])
    assert '"celsius": 21' in answered["call_1"] and "denied: not Oslo" in answered["call_2"]
