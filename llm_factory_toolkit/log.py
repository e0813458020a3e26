"""The library's logger: quiet unless the application asks to hear it.

The library never calls ``structlog.configure``. Until the application does, structlog's
built-in configuration prints every level, DEBUG included, to stdout, so a library logging
through it would talk to every user uninvited. So while structlog is unconfigured, events go
to the standard-library logger ``llm_factory_toolkit`` (rendered ``key=value``), where
Python's defaults drop everything below WARNING; ``logging.basicConfig(level=logging.DEBUG)``
(or a level on that logger) shows them. Once the application configures structlog, events go
through its processors and level filter instead, under the same logger name.

The logger has a ``NullHandler``, as libraries should: with no logging configured, Python's
last-resort handler does not print WARNINGs to stderr; once the application configures
logging, they reach its handlers like any other library's. A tool's traceback is passed
already rendered and redacted (``traceback=``), never as ``exc_info``.
"""

from __future__ import annotations

import functools
import logging
import sys
from typing import Any

LOGGER_NAME = "llm_factory_toolkit"

logging.getLogger(LOGGER_NAME).addHandler(logging.NullHandler())

_LEVELS = {"debug": logging.DEBUG, "warning": logging.WARNING, "error": logging.ERROR}


def library_logger(level: str = "debug") -> Any | None:
    """The application's structlog setup if it made one, else the quiet stdlib route; None
    when the standard library would drop an event of ``level`` anyway (the common case).

    structlog itself is imported only when an event is actually logged: an application that
    configured it has imported it already.
    """
    structlog = sys.modules.get("structlog")
    if structlog is not None and structlog.is_configured():
        return _configured_logger()
    if not logging.getLogger(LOGGER_NAME).isEnabledFor(_LEVELS[level]):
        return None
    return _stdlib_logger()


def log(level: str, event: str, **fields: Any) -> None:
    """Log ``event`` at ``level`` (``debug``, ``warning`` or ``error``) if anyone listens."""
    logger = library_logger(level)
    if logger is not None:
        getattr(logger, level)(event, **fields)


@functools.cache
def _configured_logger() -> Any:
    import structlog

    return structlog.get_logger(LOGGER_NAME)


@functools.cache
def _stdlib_logger() -> Any:
    import structlog

    return structlog.wrap_logger(
        logging.getLogger(LOGGER_NAME),
        wrapper_class=structlog.stdlib.BoundLogger,
        processors=[
            structlog.stdlib.filter_by_level,
            structlog.processors.format_exc_info,
            structlog.processors.KeyValueRenderer(key_order=["event"]),
        ],
    )
