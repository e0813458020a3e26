"""A loopback LLM server in its own process, so a benchmark's client does not share its GIL."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_SERVE = (
    "import time\n"
    "from llm_factory_toolkit.testing import LoopbackLLMServer\n"
    "server = LoopbackLLMServer()\n"
    "{setup}\n"
    "server.start()\n"
    "print(server.url, flush=True)\n"
    "time.sleep(1e9)\n"
)


@contextmanager
def loopback_process(cpu: int | None = 1, setup: str = "") -> Iterator[str]:
    """Start the server (pinned to ``cpu`` when taskset exists); yield its URL.

    ``setup`` is code run on ``server`` before it starts (to set a ``responder``, say).
    """
    command = [sys.executable, "-c", _SERVE.format(setup=setup)]
    if cpu is not None and os.path.exists("/usr/bin/taskset"):
        command = ["taskset", "-c", str(cpu), *command]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait()


def run_child(script: str, *args: str) -> dict[str, float]:
    """Run ``script --child ...`` in a fresh interpreter pinned to CPU 0; its last JSON line.

    The child imports the toolkit from this checkout (its root goes first on the path).
    """
    command = [sys.executable, script, "--child", *args]
    if os.path.exists("/usr/bin/taskset"):
        command = ["taskset", "-c", "0", *command]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "PYTHONPATH": path}
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def arguments(n: int, reps: int) -> argparse.Namespace:
    """The command line every interleaved benchmark takes (``--child`` marks a child run)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--url")
    parser.add_argument("--n", type=int, default=n)
    parser.add_argument("--reps", type=int, default=reps)
    return parser.parse_args()
