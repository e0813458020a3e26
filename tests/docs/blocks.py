"""The Python examples of the README and the documentation pages, as runnable blocks.

Every fenced ``python`` block is an example that must run. A block that needs the model
to answer in a certain way says so in an HTML comment on the line before its fence, whose
body is keyword arguments, evaluated with the names of ``llm_factory_toolkit.testing``::

    <!-- test: script=[ToolCalls([ToolCallSpec("get_weather", {"city": "Oslo"})]), Text("6°C")] -->

``script`` lists the turns the loopback server answers while the block runs (every one
must be used); ``tool_failures`` is how many tool calls the block means to fail (by default
none: a tool that fails in an example, for any reason, fails the test). ``pytest=True``
marks a block that is a test module: it is run by pytest, in a fresh process, with the
package's pytest plugin, and must pass. ``file="name.py"`` marks a block that is a file the
page's later blocks use (an MCP server's script, say): it is written to the working
directory under that name, not run. ``asyncio_only=True`` marks a block whose library runs
on asyncio alone (DBOS): the page's trio run leaves it out.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import llm_factory_toolkit.testing as kit

ROOT = Path(__file__).parents[2]
FENCE = re.compile(r"^( *)```python\n(.*?)^\1```", re.DOTALL | re.MULTILINE)
DIRECTIVE = re.compile(r"<!-- test: ((?:(?!-->).)*) -->\n\Z", re.DOTALL)


@dataclass
class Block:
    """One example: its source, where it starts, and what the model answers while it runs."""

    path: Path
    line: int
    source: str
    script: list[kit.Turn] = field(default_factory=list)
    tool_failures: int = 0
    pytest: bool = False
    file: str | None = None
    asyncio_only: bool = False

    @property
    def where(self) -> str:
        path = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{path}:{self.line}"


def pages() -> list[Path]:
    """The README and every documentation page."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def blocks_of(path: Path) -> list[Block]:
    """The page's python blocks, in order, with their directives applied."""
    text = path.read_text()
    found = []
    for match in FENCE.finditer(text):
        line = text.count("\n", 0, match.start(2)) + 1
        block = Block(path, line, textwrap.dedent(match.group(2)))
        directive = DIRECTIVE.search(text, 0, match.start())
        if directive is not None:
            _apply(block, directive.group(1))
        found.append(block)
    return found


def _apply(block: Block, directive: str) -> None:
    names: dict[str, Any] = {name: getattr(kit, name) for name in kit.__all__}
    options = eval(f"dict({directive})", names)
    unknown = set(options) - {"script", "tool_failures", "pytest", "file", "asyncio_only"}
    if unknown:
        raise ValueError(f"{block.where}: unknown test directive {sorted(unknown)}")
    block.script = list(options.get("script", []))
    block.tool_failures = int(options.get("tool_failures", 0))
    block.pytest = bool(options.get("pytest", False))
    block.file = options.get("file")
    block.asyncio_only = bool(options.get("asyncio_only", False))
