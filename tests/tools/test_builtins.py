"""Built-ins, safe by construction: no code runs from an expression, no file outside the base."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from llm_factory_toolkit import ToolFactory
from llm_factory_toolkit.tools import read_local_file, safe_math
from llm_factory_toolkit.tools.local_files import LocalFileReader


@pytest.fixture(params=["sympy", "python"])
def math_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both number systems: sympy's when installed, Python's ``math`` otherwise."""
    if request.param == "python":
        monkeypatch.setattr(safe_math, "_backend", lambda: safe_math._PYTHON)
    return str(request.param)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("expression", "content", "payload"),
    [("2 + 3", "5", 5.0), ("2^10", "1024", 1024.0), ("-(7 // 2) % 5", "2", 2.0)],
)
async def test_arithmetic(math_backend: str, expression: str, content: str, payload: float) -> None:
    result = await safe_math.safe_math_evaluator(expression)
    assert (result.content, result.payload, result.error) == (content, payload, None)


@pytest.mark.anyio
async def test_functions_and_constants(math_backend: str) -> None:
    result = await safe_math.safe_math_evaluator("sqrt(16) + floor(pi) - log(exp(2))")
    assert result.payload == pytest.approx(5.0)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "expression",
    [
        "__import__('pathlib').Path('PWNED').touch()",
        "().__class__.__bases__[0].__subclasses__()",
        "open('/etc/passwd').read()",
        "x + 1",
        "[1, 2][0]",
        "(lambda: 1)()",
        "'a' * 3",
        "True + 1",
        "sqrt(x=4)",
        "2 if 1 else 3",
    ],
)
async def test_anything_but_arithmetic_is_refused(
    math_backend: str, expression: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = await safe_math.safe_math_evaluator(expression)
    assert json.loads(result.content)["status"] == "invalid_expression"
    assert os.listdir(tmp_path) == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("1+" * 300 + "1", "longer than 500 characters"),
        ("+".join(["1"] * 120), "more than 200 parts"),
        ("9**9**9", "too large"),
        ("2**1000000", "too large"),
        ("(2**60000)**2", "too large"),
        ("1/0", ""),
        ("", "empty"),
        ("2 +", ""),
    ],
)
async def test_size_is_bounded(math_backend: str, expression: str, reason: str) -> None:
    result = await safe_math.safe_math_evaluator(expression)
    assert result.error is not None and reason in result.error
    assert json.loads(result.content)["status"] == "invalid_expression"


@pytest.mark.anyio
async def test_time_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safe_math, "TIME_LIMIT", 0)
    result = await safe_math.safe_math_evaluator("2 + 3")
    assert json.loads(result.content)["status"] == "timeout"


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A readable directory with a text file, a JSON file and a sub-directory, beside a secret."""
    (tmp_path / "secret.txt").write_text("top secret")
    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    (root / "notes.txt").write_text("hello")
    (root / "data.json").write_text('{"a": [1, 2]}')
    (root / "sub" / "deep.txt").write_text("deep")
    return root


@pytest.mark.anyio
async def test_reads_text_and_json_under_the_base_directory(base: Path) -> None:
    factory = ToolFactory()
    factory.register_builtins(["read_local_file"], base_dir=base)
    text = await factory.dispatch_tool("read_local_file", '{"file_path": "notes.txt"}')
    data = await factory.dispatch_tool(
        "read_local_file", '{"file_path": "data.json", "format": "json"}'
    )
    deep = await factory.dispatch_tool("read_local_file", json.dumps({"file_path": "sub/deep.txt"}))
    inside = await factory.dispatch_tool(
        "read_local_file", json.dumps({"file_path": str(base / "notes.txt")})
    )
    assert (text.content, text.payload) == ("hello", "hello")
    assert (data.content, data.payload) == ('{"a": [1, 2]}', {"a": [1, 2]})
    assert deep.content == "deep" and inside.content == "hello"


@pytest.mark.parametrize(
    ("file_path", "status", "reason"),
    [
        ("../secret.txt", "access_denied", "'..' is not allowed"),
        ("sub/../../secret.txt", "access_denied", "'..' is not allowed"),
        ("SECRET_ABSOLUTE", "access_denied", "outside the readable directory"),
        ("escape.txt", "access_denied", "outside the readable directory"),
        ("missing.txt", "file_error", "cannot open"),
        ("sub", "file_error", "not a regular file"),
        ("", "access_denied", "non-empty"),
    ],
)
def test_paths_outside_or_unreadable_are_refused(
    base: Path, file_path: str, status: str, reason: str
) -> None:
    (base / "escape.txt").symlink_to(base.parent / "secret.txt")
    file_path = file_path.replace("SECRET_ABSOLUTE", str(base.parent / "secret.txt"))
    result = LocalFileReader(base)(file_path)
    assert json.loads(result.content)["status"] == status
    assert result.error is not None and reason in result.error
    assert "top secret" not in result.content


def test_size_encoding_and_json_are_checked(base: Path) -> None:
    (base / "binary.txt").write_bytes(b"\xff\xfe\x00")
    reader = LocalFileReader(base, max_bytes=4)
    assert json.loads(reader("notes.txt").content)["status"] == "too_large"
    assert json.loads(LocalFileReader(base)("binary.txt").content)["status"] == "file_error"
    bad_json = LocalFileReader(base)("notes.txt", format="json")
    assert json.loads(bad_json.content)["status"] == "invalid_json"


def test_the_default_base_directory_is_the_working_directory(
    base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(base)
    assert read_local_file("notes.txt").content == "hello"
    assert read_local_file(os.path.join("..", "secret.txt")).error is not None
