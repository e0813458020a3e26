"""``read_local_file``: a text or JSON file, read only from under one base directory.

The path the model gives is refused when it contains ``..``, when it resolves (symlinks
followed) outside the base directory, when it is not a regular file, or when the file is
larger than the limit. The final open does not follow symlinks, so a link swapped in after
the check cannot redirect the read.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import BinaryIO

from ..core.observed import error_result
from ..core.results import ToolExecutionResult

DEFAULT_MAX_BYTES = 1_000_000


class FileAccessError(Exception):
    """The file cannot be read for the model; the message says why."""

    def __init__(self, message: str, status: str = "access_denied") -> None:
        super().__init__(message)
        self.status = status


class LocalFileReader:
    """Reads files under ``base_dir`` (the working directory at each call when None)."""

    def __init__(
        self, base_dir: str | os.PathLike[str] | None = None, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None:
        self.base_dir = base_dir
        self.max_bytes = max_bytes

    def __call__(self, file_path: str, format: str = "text") -> ToolExecutionResult:
        """Reads a local file and returns its content as text or JSON."""
        try:
            text = self._read(self._resolve(file_path))
        except FileAccessError as exc:
            return error_result(str(exc), status=exc.status)
        if format != "json":
            return ToolExecutionResult(content=text, payload=text)
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            return error_result(f"'{file_path}' is not valid JSON: {exc}", status="invalid_json")
        return ToolExecutionResult(content=json.dumps(parsed), payload=parsed)

    def _resolve(self, file_path: str) -> Path:
        if not isinstance(file_path, str) or not file_path or "\x00" in file_path:
            raise FileAccessError("file_path must be a non-empty path")
        if ".." in Path(file_path).parts:
            raise FileAccessError(f"'{file_path}' is refused: '..' is not allowed in paths")
        base = Path(self.base_dir if self.base_dir is not None else os.getcwd()).resolve()
        target = (base / file_path).resolve()
        if not target.is_relative_to(base):
            raise FileAccessError(f"'{file_path}' is refused: it is outside the readable directory")
        return target

    def _read(self, target: Path) -> str:
        with _open_regular(target) as handle:
            data = handle.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise FileAccessError(
                f"'{target.name}' is larger than {self.max_bytes} bytes", "too_large"
            )
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise FileAccessError(f"'{target.name}' is not UTF-8 text", "file_error") from None


def _open_regular(target: Path) -> BinaryIO:
    """``target`` opened for reading, without following a final symlink; regular files only."""
    try:
        descriptor = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise FileAccessError(
            f"cannot open '{target.name}': {exc.strerror}", "file_error"
        ) from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise FileAccessError(f"'{target.name}' is not a regular file", "file_error")
    return os.fdopen(descriptor, "rb")


def read_local_file(file_path: str, format: str = "text") -> ToolExecutionResult:
    """Reads a local file under the working directory and returns its content as text or JSON."""
    return LocalFileReader()(file_path, format)
