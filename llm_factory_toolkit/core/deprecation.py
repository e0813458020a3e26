"""Old public names kept for one release: served by a module ``__getattr__`` that warns.

A module declares ``__getattr__ = renamed_names(__name__, {"Old": New})``; the old name is
the same object as the new one, so ``isinstance`` and subscriptions keep working.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping


def renamed_names(module: str, renamed: Mapping[str, type]) -> Callable[[str], type]:
    """A module ``__getattr__`` that returns ``renamed[name]`` with a ``DeprecationWarning``."""

    def __getattr__(name: str) -> type:
        new = renamed.get(name)
        if new is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        warnings.warn(
            f"{module}.{name} is deprecated; use {module}.{new.__name__}",
            DeprecationWarning,
            stacklevel=2,
        )
        return new

    return __getattr__
