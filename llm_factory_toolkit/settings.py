"""Process-wide settings read from the environment, and the ``.env`` file behind it.

Keys resolve as: the ``api_key=`` argument, then the environment, then a ``.env`` file found
from the working directory upwards. The file is read once, when the first ``LLMClient`` is
made (not at import, so importing the package changes nothing), with python-dotenv's
``dotenv_values``: its values serve the toolkit's own lookups and never enter ``os.environ``,
so a ``.env`` somewhere above the working directory cannot change the rest of the process.
"""

from __future__ import annotations

import os
import threading

_loaded = False
_values: dict[str, str] = {}
_lock = threading.Lock()


def load_dotenv_once() -> None:
    """Read the nearest ``.env`` the first time a client is made."""
    global _loaded, _values
    if _loaded:
        return
    with _lock:
        if not _loaded:
            _values = _read_nearest_dotenv()
            _loaded = True


def env_value(name: str) -> str | None:
    """``name`` from the environment, else from the ``.env`` file; None when neither has it."""
    return os.environ.get(name) or _values.get(name) or None


def _read_nearest_dotenv() -> dict[str, str]:
    from dotenv import dotenv_values, find_dotenv

    try:
        path = find_dotenv(usecwd=True)
    except OSError:  # the working directory no longer exists: there is no file to find
        return {}
    if not path:
        return {}
    return {name: value for name, value in dotenv_values(path).items() if value is not None}
