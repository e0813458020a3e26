"""Durable generations on DBOS (``pip install llm-factory-toolkit[dbos]``).

Every model call and every tool call is a DBOS step; the agent loop and the stages are the
workflow. ``DurableClient`` is the entry point.
"""

from __future__ import annotations

from .client import ContextProvider, DurableClient

__all__ = ["ContextProvider", "DurableClient"]
