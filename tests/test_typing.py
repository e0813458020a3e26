"""The typing suite: ``tests/typing`` is checked by ``mypy --strict`` in one run.

``pass_*.py`` files must produce no error; ``assert_type`` in them pins every public result
type. In ``fail_*.py`` each line marked ``# E: <code>`` must produce exactly that error, and
no other line may produce one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

SUITE = Path(__file__).parent / "typing"
REPO = SUITE.parents[1]
_MARK = re.compile(r"#\s*E:\s*([\w-]+)")
_ERROR = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): error: .*\[(?P<code>[\w-]+)\]$")


def _expected() -> set[tuple[str, int, str]]:
    expected = set()
    for path in sorted(SUITE.glob("*.py")):
        for number, text in enumerate(path.read_text().splitlines(), start=1):
            for code in _MARK.findall(text):
                expected.add((path.name, number, code))
    return expected


def _reported(output: str) -> set[tuple[str, int, str]]:
    found = set()
    for line in output.splitlines():
        match = _ERROR.match(line.strip())
        if match:
            found.add((Path(match["path"]).name, int(match["line"]), match["code"]))
    return found


def test_typing_suite_passes_and_fails_exactly_where_marked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    files = [str(path.relative_to(REPO)) for path in sorted(SUITE.glob("*.py"))]
    assert any(f.startswith("tests/typing/fail_") for f in files)
    stdout, stderr, _ = mypy_api.run(
        ["--strict", "--no-error-summary", "--show-error-codes", "--hide-error-context", *files]
    )
    assert stderr == ""
    assert _reported(stdout) == _expected(), stdout
