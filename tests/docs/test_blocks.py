"""Reading examples out of a page: fences, line numbers, and the test directives."""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_factory_toolkit.testing import Text, ToolCalls

from .blocks import blocks_of

PAGE = """# A page

<!-- test: script=[ToolCalls([ToolCallSpec("f", {})]), Text("done")], tool_failures=1 -->
```python
first = 1
```

Some prose, then a block with no directive:

```python
second = 2
```

```bash
echo not python
```

<!-- test: pytest=True -->
```python
def test_x():
    pass
```

- In a list item:

    ```python
    if True:
        fourth = 4
    ```

<!-- test: file="server.py" -->
```python
import anyio
```

<!-- test: asyncio_only=True -->
```python
sixth = 6
```
"""


def test_blocks_carry_their_source_line_and_directives(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    first, second, third, fourth, fifth, sixth = blocks_of(page)

    assert (first.line, first.source) == (5, "first = 1\n")
    assert [type(turn) for turn in first.script] == [ToolCalls, Text]
    assert first.tool_failures == 1 and not first.pytest
    assert (second.line, second.script, second.tool_failures) == (11, [], 0)
    assert third.pytest and third.script == []
    assert fourth.source == "if True:\n    fourth = 4\n"
    assert (fifth.file, fifth.asyncio_only, sixth.file, sixth.asyncio_only) == (
        "server.py",
        False,
        None,
        True,
    )


def test_an_unknown_directive_is_an_error(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text('<!-- test: scirpt=[Text("x")] -->\n```python\npass\n```\n')
    with pytest.raises(ValueError, match="unknown test directive"):
        blocks_of(page)
