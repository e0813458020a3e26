"""Running ``worker.py`` in child interpreters, and reading what they left behind."""

from __future__ import annotations

import base64
import binascii
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from llm_factory_toolkit.testing import LoopbackLLMServer

WORKER = Path(__file__).with_name("worker.py")
ROOT = Path(__file__).parents[2]
SECRET = "tenant-token-7c1f0e9a"


def worker_config(
    server: LoopbackLLMServer, tmp_path: Path, database_url: str, **extra: Any
) -> dict[str, Any]:
    return {
        "base_url": server.openai_base_url,
        "database_url": database_url,
        "tool_log": str(tmp_path / "tool-runs.jsonl"),
        "marker": str(tmp_path / "tool-ran"),
        "secret": SECRET,
        **extra,
    }


def start_worker(mode: str, config: dict[str, Any]) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(WORKER), mode, json.dumps(config)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def finished_output(worker: subprocess.Popen[str], timeout: float = 180) -> dict[str, Any]:
    """The JSON line a worker printed last; fails with its stderr if it failed."""
    out, err = worker.communicate(timeout=timeout)
    assert worker.returncode == 0, err
    data: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return data


def wait_for_file(path: Path, worker: subprocess.Popen[str], timeout: float = 180) -> None:
    """Wait until ``worker`` writes ``path``; fail at once if it exits first."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if worker.poll() is not None:
            raise AssertionError(f"worker exited early: {worker.communicate()[1]}")
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def tool_runs(config: dict[str, Any]) -> list[dict[str, Any]]:
    log = Path(config["tool_log"])
    lines = log.read_text().splitlines() if log.exists() else []
    return [json.loads(line) for line in lines]


def stored_text(database: Path) -> str:
    """Every value in a SQLite database as text, base64 values (pickles) decoded too."""
    parts: list[str] = []
    with sqlite3.connect(database) as db:
        tables = [row[0] for row in db.execute("select name from sqlite_master where type='table'")]
        for table in tables:
            for row in db.execute(f'select * from "{table}"'):
                parts.extend(_readings(value) for value in row if isinstance(value, str | bytes))
    return "\n".join(parts)


def _readings(value: str | bytes) -> str:
    raw = value.encode() if isinstance(value, str) else value
    try:
        decoded = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    return raw.decode("utf-8", "replace") + "\n" + decoded.decode("utf-8", "replace")


def kill(worker: subprocess.Popen[str]) -> None:
    """SIGKILL ``worker``: no clean-up of any kind runs in it."""
    worker.send_signal(signal.SIGKILL)
    worker.communicate()
