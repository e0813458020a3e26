"""A throwaway PostgreSQL cluster on 127.0.0.1 for the durable tests.

``DURABLE_TEST_POSTGRES_URL`` points the tests at a server you run; otherwise Debian's
PostgreSQL (``/usr/lib/postgresql/<version>/bin``) is started in a temporary directory, as
the ``postgres`` user when the tests run as root (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

URL_VARIABLE = "DURABLE_TEST_POSTGRES_URL"


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin directory, if any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@contextmanager
def temporary_cluster(bin_dir: Path, base: Path) -> Iterator[str]:
    """Start a cluster under ``base``; yields the server URL (no database name)."""
    port = _free_port()
    data = base / "data"
    _as_owner(base)
    _run(bin_dir / "initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    _run(bin_dir / "pg_ctl", "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        _run(bin_dir / "pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")


def _as_owner(base: Path) -> None:
    base.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")


def _run(program: Path, *args: str) -> None:
    command = [str(program), *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
