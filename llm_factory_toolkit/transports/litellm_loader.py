"""Importing litellm quietly and offline, once, off the event loop.

litellm is heavy (seconds to import) and has import-time side effects: it fetches a remote
cost map, loads ``.env`` files on its own, and prints banners. Before the first import the
toolkit sets (without overriding the user's own values) the switches that turn those off:
``LITELLM_LOCAL_MODEL_COST_MAP``, ``LITELLM_LOCAL_ANTHROPIC_BETA_HEADERS`` and
``LITELLM_MODE=PRODUCTION``.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

import anyio

_QUIET_ENV = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "LITELLM_LOCAL_ANTHROPIC_BETA_HEADERS": "True",
    "LITELLM_MODE": "PRODUCTION",
}


def load_litellm() -> ModuleType:
    """Import litellm with the quiet, offline settings; cheap after the first call."""
    module = sys.modules.get("litellm")
    if module is not None and getattr(module, "_llm_factory_toolkit_ready", False):
        return module
    for name, value in _QUIET_ENV.items():
        os.environ.setdefault(name, value)
    import litellm

    litellm.suppress_debug_info = True
    litellm._llm_factory_toolkit_ready = True
    return litellm


async def load_litellm_async() -> ModuleType:
    """``load_litellm`` on a worker thread the first time, so the event loop never stalls."""
    module = sys.modules.get("litellm")
    if module is not None and getattr(module, "_llm_factory_toolkit_ready", False):
        return module
    return await anyio.to_thread.run_sync(load_litellm)
