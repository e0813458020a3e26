"""``read_local_file``: no file outside the base directory, no dotfile, nothing that blocks."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from llm_factory_toolkit import ToolExecutionResult, ToolFactory
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
        ("escape.txt", "access_denied", "symbolic links are not followed"),
        ("link/secret.txt", "access_denied", "symbolic links are not followed"),
        (".env", "access_denied", "hidden files are not served"),
        (".git/config", "access_denied", "hidden files are not served"),
        ("notes.txt/x", "access_denied", "only directories may lead"),
        ("missing.txt", "file_error", "cannot open"),
        ("sub", "file_error", "not a regular file"),
        ("", "access_denied", "non-empty"),
    ],
)
def test_paths_outside_or_unreadable_are_refused(
    base: Path, file_path: str, status: str, reason: str
) -> None:
    (base / "escape.txt").symlink_to(base.parent / "secret.txt")
    (base / "link").symlink_to(base.parent)
    (base / ".env").write_text("top secret")
    (base / ".git").mkdir()
    (base / ".git" / "config").write_text("top secret")
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


def test_without_a_base_directory_nothing_is_read(
    base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The working directory is where ``.env`` lives: it is never the default."""
    monkeypatch.chdir(base)
    (base / ".env").write_text("OPENAI_API_KEY=top secret")
    factory = ToolFactory()
    factory.register_builtins()
    for result in (
        read_local_file("notes.txt"),
        LocalFileReader()("notes.txt"),
        LocalFileReader(allow_hidden=True)(".env"),
    ):
        assert json.loads(result.content)["status"] == "not_configured"
    registered = factory.registrations["read_local_file"].function
    assert json.loads(registered("notes.txt").content)["status"] == "not_configured"


def test_dotfiles_are_served_only_when_allowed(base: Path) -> None:
    (base / ".env").write_text("KEY=1")
    assert LocalFileReader(base, allow_hidden=True)(".env").content == "KEY=1"
    assert LocalFileReader(base)(".env").error is not None


def test_a_hard_link_to_a_file_outside_is_refused(base: Path) -> None:
    os.link(base.parent / "secret.txt", base / "linked.txt")
    result = LocalFileReader(base)("linked.txt")
    assert json.loads(result.content)["status"] == "access_denied"
    assert "hard links" in str(result.error) and "top secret" not in result.content


def test_a_fifo_is_refused_without_blocking(base: Path) -> None:
    os.mkfifo(base / "pipe")
    done: list[ToolExecutionResult] = []
    reader = threading.Thread(target=lambda: done.append(LocalFileReader(base)("pipe")))
    reader.start()
    reader.join(10)
    if not done:  # unblock the stuck read so the test process can end
        os.close(os.open(base / "pipe", os.O_WRONLY | os.O_NONBLOCK))
    assert done, "reading a FIFO blocked"
    assert "not a regular file" in str(done[0].error)


def test_a_directory_swapped_for_a_symlink_mid_read_never_leaks(base: Path) -> None:
    """A thread keeps swapping ``sub`` for a symlink to a directory holding a secret."""
    outside = base.parent / "outside"
    outside.mkdir()
    (outside / "deep.txt").write_text("top secret")
    reader, stop = LocalFileReader(base), threading.Event()

    def swap() -> None:
        while not stop.is_set():
            os.rename(base / "sub", base / "sub.real")
            os.symlink(outside, base / "sub")
            os.unlink(base / "sub")
            os.rename(base / "sub.real", base / "sub")

    swapper = threading.Thread(target=swap)
    swapper.start()
    try:
        contents = [reader("sub/deep.txt").content for _ in range(3000)]
    finally:
        stop.set()
        swapper.join()
    assert not any("top secret" in text for text in contents)
    assert reader("sub/deep.txt").content == "deep"  # the same path reads once the race is over
