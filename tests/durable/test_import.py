"""DBOS loads only when the DBOS integration is imported."""

from __future__ import annotations

import subprocess
import sys


def loaded_after(statement: str) -> list[str]:
    code = (
        f"import sys\n{statement}\n"
        "print(','.join(m for m in ('dbos', 'sqlalchemy', 'psycopg') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [name for name in run.stdout.strip().split(",") if name]


def test_the_package_and_its_durable_package_do_not_load_dbos() -> None:
    statement = "import llm_factory_toolkit, llm_factory_toolkit.durable.replay"
    assert loaded_after(statement) == []


def test_the_dbos_integration_loads_dbos() -> None:
    assert "dbos" in loaded_after("import llm_factory_toolkit.durable.dbos")
