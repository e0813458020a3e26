"""Durable tests: a system database per test, SQLite always and PostgreSQL when present."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from .postgres import URL_VARIABLE, binaries, temporary_cluster


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server URL: ``DURABLE_TEST_POSTGRES_URL``, else a temporary cluster."""
    given = os.environ.get(URL_VARIABLE)
    if given:
        yield given.rstrip("/")
        return
    bin_dir = binaries()
    if bin_dir is None:
        reason = f"PostgreSQL is not installed (no initdb) and {URL_VARIABLE} is not set"
        if os.environ.get("DURABLE_TEST_REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    with tempfile.TemporaryDirectory(prefix="durable-pg-") as base:
        os.chmod(base, 0o755)
        with temporary_cluster(bin_dir, Path(base) / "cluster") as url:
            yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty DBOS system database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'dbos.sqlite'}"
    server: str = request.getfixturevalue("postgres_server")
    return f"{server}/dbos_{uuid.uuid4().hex[:12]}"
