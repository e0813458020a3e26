"""Durable generations on DBOS (``pip install llm-factory-toolkit[dbos]``).

Every model call and every tool call is a DBOS step; the agent loop and the stages are the
workflow. ``DurableClient`` is the entry point.
"""

from __future__ import annotations

from ...exceptions import ConfigurationError

try:
    import dbos as _dbos  # noqa: F401
except ImportError as exc:
    raise ConfigurationError(
        "durable generations on DBOS use the dbos package, which is not installed: "
        "pip install 'llm-factory-toolkit[dbos]'"
    ) from exc

from .client import ContextProvider, DurableClient

__all__ = ["ContextProvider", "DurableClient"]
