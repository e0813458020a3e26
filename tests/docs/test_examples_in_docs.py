"""Every Python example in the README and the documentation runs, against the loopback server.

Each page is one test: its blocks run in order in one namespace, as a reader would paste
them, once with top-level ``await`` on asyncio and once on trio. The provider environment
variables point every model at the loopback server (``api_key`` "test"), which answers
each block with the turns its ``<!-- test: ... -->`` comment scripts (see ``blocks.py``).
Every tool failure is logged as a ``tool_call.failed`` warning, whichever server or
transport the block uses: an example whose tool fails unannounced fails here.
"""

from __future__ import annotations

import ast
import inspect
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from llm_factory_toolkit.log import LOGGER_NAME
from llm_factory_toolkit.testing import LoopbackLLMServer

from .blocks import ROOT, Block, blocks_of, pages


@pytest.fixture
def docs_env(
    llm_server: LoopbackLLMServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[LoopbackLLMServer]:
    """Provider keys and base URLs aimed at the loopback server; a scratch working directory."""
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test")
    monkeypatch.setenv("OPENAI_BASE_URL", llm_server.openai_base_url)
    monkeypatch.setenv("OPENAI_API_BASE", llm_server.openai_base_url)
    monkeypatch.setenv("ANTHROPIC_API_BASE", llm_server.anthropic_base_url)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", llm_server.anthropic_base_url)
    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)  # the missing-key example
    monkeypatch.chdir(tmp_path)
    # A script a block starts (an MCP server) imports the checkout under test, not a copy.
    (tmp_path / "llm_factory_toolkit").symlink_to(ROOT / "llm_factory_toolkit")
    yield llm_server


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@pytest.mark.parametrize("page", pages(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_example_on_the_page_runs(
    page: Path, backend: str, docs_env: LoopbackLLMServer, caplog: pytest.LogCaptureFixture
) -> None:
    run_page(page, backend, docs_env, caplog)


def test_an_example_whose_tool_fails_fails_the_page(
    docs_env: LoopbackLLMServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The check above can fail: a tool the example never gives its context to fails."""
    page = Path("broken.md")
    page.write_text(BROKEN_PAGE)
    with pytest.raises(AssertionError, match="tools failed"):
        run_page(page.resolve(), "asyncio", docs_env, caplog)


BROKEN_PAGE = """
<!-- test: script=[ToolCalls([ToolCallSpec("whoami", {})]), Text("You are nobody.")] -->
```python
from llm_factory_toolkit import LLMClient

client = LLMClient(model="anthropic/claude-sonnet-4")
client.register_tool(lambda user_id: user_id, name="whoami", context_params=["user_id"])
await client.generate(input="Who am I?")
```
"""


def run_page(
    page: Path, backend: str, server: LoopbackLLMServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Run the page's blocks in order in one namespace; fail on an unannounced tool failure."""
    namespace: dict[str, Any] = {"__name__": "docs_example"}
    caplog.set_level(logging.WARNING, logger=LOGGER_NAME)
    try:
        for block in blocks_of(page):
            if block.file is not None:
                Path(block.file).write_text(block.source)
            elif block.pytest:
                run_as_test_module(block, backend)
            elif backend == "asyncio" or not block.asyncio_only:
                caplog.clear()
                run_block(block, namespace, backend, server)
                failed = [r for r in caplog.records if "tool_call.failed" in r.getMessage()]
                assert len(failed) == block.tool_failures, f"{block.where}: tools failed: {failed}"
    finally:
        stop_dbos()


def stop_dbos() -> None:
    """A page that launched DBOS (durable generations) leaves no instance to the next test."""
    if "dbos" in sys.modules:
        sys.modules["dbos"].DBOS.destroy()


def run_block(
    block: Block, namespace: dict[str, Any], backend: str, server: LoopbackLLMServer
) -> None:
    """Run one block with its script queued; every scripted turn must be used."""
    server.script(*block.script)
    source = "\n" * (block.line - 1) + block.source  # tracebacks show the page's own lines
    code = compile(source, str(block.path), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    if code.co_flags & inspect.CO_COROUTINE:
        anyio.run(_awaited, code, namespace, backend=backend)
    else:
        exec(code, namespace)
    assert server.pending == 0, f"{block.where}: {server.pending} scripted turns never used"
    server.reset()


async def _awaited(code: Any, namespace: dict[str, Any]) -> None:
    await eval(code, namespace)


def run_as_test_module(block: Block, backend: str) -> None:
    """A block that is a test module passes under pytest with the package's plugin (once:
    the module chooses its own backends)."""
    if backend != "asyncio":
        return
    Path("test_documented.py").write_text(block.source)
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONPATH": str(ROOT)}
    plugins = ["-p", "anyio", "-p", "llm_factory_toolkit.testing.pytest_plugin"]
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugins],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, f"{block.where}:\n{completed.stdout}{completed.stderr}"
