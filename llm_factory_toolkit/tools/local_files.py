"""``read_local_file``: a text or JSON file, read only from under one base directory.

Safe by default. Without a base directory given explicitly it reads nothing (the working
directory is where a ``.env`` with the provider's key lives). Under the base it refuses ``..``,
dotfiles and dot-directories (``.env``, ``.git/config``) unless allowed, and absolute paths
elsewhere. Every component of the path is opened relative to the one before it
(``openat``) with ``O_NOFOLLOW``, so a symlink anywhere, even one swapped in while the path is
walked, fails the read instead of leaving the base. The file is opened ``O_NONBLOCK`` (a FIFO
cannot hang the read) and served only if it is a regular file with no other hard link (a
hard link could point at a file outside the base) and no larger than ``max_bytes``. POSIX only.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

from ..pipeline.observed import error_result
from .models import ToolExecutionResult

DEFAULT_MAX_BYTES = 1_000_000

_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_OPEN_DIRECTORY = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_OPEN_FILE = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0) | _NO_FOLLOW


class FileAccessError(Exception):
    """The file cannot be read for the model; the message says why."""

    def __init__(self, message: str, status: str = "access_denied") -> None:
        super().__init__(message)
        self.status = status


class LocalFileReader:
    """Reads regular files under ``base_dir``; with no ``base_dir``, refuses every read.

    ``allow_hidden`` serves names starting with a dot as well.
    """

    def __init__(
        self,
        base_dir: str | os.PathLike[str] | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        *,
        allow_hidden: bool = False,
    ) -> None:
        self.base_dir = base_dir
        self.max_bytes = max_bytes
        self.allow_hidden = allow_hidden

    def __call__(self, file_path: str, format: str = "text") -> ToolExecutionResult:
        """Reads a local file and returns its content as text or JSON."""
        try:
            text = self._read(file_path)
        except FileAccessError as exc:
            return error_result(str(exc), status=exc.status)
        if format != "json":
            return ToolExecutionResult(content=text, payload=text)
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            return error_result(f"'{file_path}' is not valid JSON: {exc}", status="invalid_json")
        return ToolExecutionResult(content=json.dumps(parsed), payload=parsed)

    def _read(self, file_path: str) -> str:
        base, parts = self._base(), self._parts(file_path)
        descriptor = _open_beneath(base, parts, file_path)
        try:
            self._check(os.fstat(descriptor), file_path)
        except FileAccessError:
            os.close(descriptor)
            raise
        with os.fdopen(descriptor, "rb") as handle:
            data = handle.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise FileAccessError(
                f"'{file_path}' is larger than {self.max_bytes} bytes", "too_large"
            )
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise FileAccessError(f"'{file_path}' is not UTF-8 text", "file_error") from None

    def _base(self) -> Path:
        if self.base_dir is None:
            raise FileAccessError(
                "read_local_file has no base directory; the application sets one with "
                "register_builtins(base_dir=...)",
                "not_configured",
            )
        if os.open not in os.supports_dir_fd:
            raise FileAccessError("read_local_file is not supported on this platform", "file_error")
        return Path(self.base_dir).resolve()

    def _parts(self, file_path: str) -> tuple[str, ...]:
        """The path's components below the base, each one checked."""
        if not isinstance(file_path, str) or not file_path or "\x00" in file_path:
            raise FileAccessError("file_path must be a non-empty path")
        path = Path(file_path)
        if path.is_absolute():
            if not path.is_relative_to(self._base()):
                raise FileAccessError(
                    f"'{file_path}' is refused: it is outside the readable directory"
                )
            path = path.relative_to(self._base())
        if not path.parts:
            raise FileAccessError("file_path must name a file")
        if ".." in path.parts:
            raise FileAccessError(f"'{file_path}' is refused: '..' is not allowed in paths")
        if not self.allow_hidden and any(part.startswith(".") for part in path.parts):
            raise FileAccessError(f"'{file_path}' is refused: hidden files are not served")
        return path.parts

    def _check(self, info: os.stat_result, file_path: str) -> None:
        if not stat.S_ISREG(info.st_mode):
            raise FileAccessError(f"'{file_path}' is not a regular file", "file_error")
        if info.st_nlink > 1:
            raise FileAccessError(f"'{file_path}' is refused: it has other hard links")
        if info.st_size > self.max_bytes:
            raise FileAccessError(
                f"'{file_path}' is larger than {self.max_bytes} bytes", "too_large"
            )


def _open_beneath(base: Path, parts: tuple[str, ...], file_path: str) -> int:
    """``base/parts...`` opened component by component, never following a symlink."""
    try:
        directory = os.open(base, _OPEN_DIRECTORY)
    except OSError as exc:
        raise FileAccessError(
            f"the base directory cannot be opened: {exc.strerror}", "file_error"
        ) from None
    try:
        for part in parts[:-1]:
            inner = os.open(part, _OPEN_DIRECTORY | _NO_FOLLOW, dir_fd=directory)
            os.close(directory)
            directory = inner
        return os.open(parts[-1], _OPEN_FILE, dir_fd=directory)
    except OSError as exc:
        raise _refusal(exc, file_path) from None
    finally:
        os.close(directory)


def _refusal(exc: OSError, file_path: str) -> FileAccessError:
    if exc.errno in (errno.ELOOP, errno.EMLINK, errno.ENOTDIR):
        return FileAccessError(
            f"'{file_path}' is refused: symbolic links are not followed "
            "(and only directories may lead to the file)"
        )
    return FileAccessError(f"cannot open '{file_path}': {exc.strerror}", "file_error")


def read_local_file(file_path: str, format: str = "text") -> ToolExecutionResult:
    """Refuses every read: a base directory must be given, with
    ``register_builtins(base_dir=...)`` or ``LocalFileReader(base_dir)``."""
    return LocalFileReader()(file_path, format)
