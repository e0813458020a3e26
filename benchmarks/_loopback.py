"""A loopback LLM server in its own process, so a benchmark's client does not share its GIL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_SERVE = (
    "import time\n"
    "from llm_factory_toolkit.testing import LoopbackLLMServer\n"
    "server = LoopbackLLMServer()\n"
    "server.start()\n"
    "print(server.url, flush=True)\n"
    "time.sleep(1e9)\n"
)


@contextmanager
def loopback_process(cpu: int | None = 1) -> Iterator[str]:
    """Start the server (pinned to ``cpu`` when taskset exists); yield its URL."""
    command = [sys.executable, "-c", _SERVE]
    if cpu is not None and os.path.exists("/usr/bin/taskset"):
        command = ["taskset", "-c", str(cpu), *command]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait()
