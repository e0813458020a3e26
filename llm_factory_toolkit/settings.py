"""Process-wide settings read from the environment, and the ``.env`` file behind it.

Keys resolve as: the ``api_key=`` argument, then the environment, then a ``.env`` file found
from the working directory upwards. The file is read once, when the first ``LLMClient`` is
made (not at import, so importing the package changes nothing), and never overrides a
variable the environment already has.
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
            _load_nearest_dotenv()
            _loaded = True


def _load_nearest_dotenv() -> None:
    from dotenv import find_dotenv, load_dotenv

    try:
        path = find_dotenv(usecwd=True)
    except OSError:  # the working directory no longer exists: there is no file to find
        return
    if path:
        load_dotenv(path, override=False)
