"""Two worker processes on one system database share a queue of generations."""

from __future__ import annotations

from pathlib import Path

from llm_factory_toolkit.testing import LoopbackLLMServer, RecordedRequest, Text

from .workers import finished_output, start_worker, wait_for_file, worker_config

JOBS = 50


def echo(request: RecordedRequest) -> Text:
    assert request.body is not None
    return Text(f"done: {request.body['messages'][-1]['content']}")


def test_two_workers_run_fifty_queued_generations_each_exactly_once(
    server: LoopbackLLMServer, tmp_path: Path, database_url: str
) -> None:
    server.responder = echo
    config = worker_config(server, tmp_path, database_url, queue=True)
    helper = start_worker("serve", {**config, "executor_id": "worker-b"})
    wait_for_file(Path(config["marker"]), helper)  # the database is set up; b is listening
    enqueuer = start_worker("enqueue", {**config, "executor_id": "worker-a", "jobs": JOBS})

    out = finished_output(enqueuer)
    helper.communicate(timeout=60)  # closing its stdin stops it

    assert helper.returncode == 0
    assert out["contents"] == [f"done: Say job-{n}" for n in range(JOBS)]
    asked = sorted(request.body["messages"][-1]["content"] for request in server.requests)
    assert asked == sorted(f"Say job-{n}" for n in range(JOBS))  # each sent exactly once
    assert out["executors"] == ["worker-a", "worker-b"]  # both workers took a share
