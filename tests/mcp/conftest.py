"""MCP servers for the tests: the SDK-written ``tool_server.py`` over stdio (a child process
the connection starts) or over streamable HTTP (a child process the fixture starts on an
ephemeral 127.0.0.1 port and stops). Each server appends the calls it receives to a log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llm_factory_toolkit.mcp import MCPServer, MCPServerHTTP, MCPServerStdio

HERE = Path(__file__).parent
TOOL_SERVER = str(HERE / "tool_server.py")


class CallLog:
    """The calls a test server received, read from the file it appends to."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def calls(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines]

    def tools(self) -> list[str]:
        return [call["tool"] for call in self.calls()]


@pytest.fixture
def call_log(tmp_path: Path) -> CallLog:
    return CallLog(tmp_path / "calls.jsonl")


def stdio_server(log: CallLog, **options: Any) -> MCPServerStdio:
    return MCPServerStdio(
        sys.executable, [TOOL_SERVER], env={"MCP_CALL_LOG": str(log.path)}, **options
    )


@pytest.fixture
def http_url(call_log: CallLog) -> Iterator[str]:
    """The URL of a streamable HTTP test server, running until the test ends."""
    with subprocess.Popen(
        [sys.executable, TOOL_SERVER, "http"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "MCP_CALL_LOG": str(call_log.path)},
    ) as process:
        try:
            assert process.stdout is not None
            port = int(process.stdout.readline())
            yield f"http://127.0.0.1:{port}/mcp"
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(params=["stdio", "http"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_server(transport: str, call_log: CallLog, request: pytest.FixtureRequest) -> Any:
    """Builds a test server on the parametrised transport: ``make_server(timeout=...)``."""

    def make(**options: Any) -> MCPServer:
        if transport == "stdio":
            return stdio_server(call_log, **options)
        url = request.getfixturevalue("http_url")
        return MCPServerHTTP(url, headers={"X-Test": "yes"}, name="tool_server", **options)

    return make


def process_alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status
