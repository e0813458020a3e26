"""``read_local_file``: no file outside the base directory, no dotfile, nothing that blocks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from llm_factory_toolkit import ToolFactory
from llm_factory_toolkit.tools import read_local_file
from llm_factory_toolkit.tools.local_files import LocalFileReader


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
