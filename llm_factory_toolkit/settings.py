"""Process-wide settings read from the environment, and the ``.env`` file behind it.

Keys resolve as: the ``api_key=`` argument, then the environment, then a ``.env`` file found
from the working directory upwards. The file is read once, when the first ``LLMClient`` is
made (not at import), and never overrides a variable the environment already has.
"""

from __future__ import annotations

import threading

_loaded = False
_lock = threading.Lock()


def load_dotenv_once() -> None:
    """Read ``.env`` into the environment the first time a client is made."""
    global _loaded
    if _loaded:
        return
    with _lock:
        if not _loaded:
            from dotenv import find_dotenv, load_dotenv

            load_dotenv(find_dotenv(usecwd=True), override=False)
            _loaded = True
