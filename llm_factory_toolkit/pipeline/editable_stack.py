"""``MiddlewareStack``: a list of stages edited by stage class.

``default_middleware()`` returns one, so a custom stack starts from the defaults and changes
only what it must, without counting positions::

    stack = default_middleware()
    stack.insert_after(HooksMiddleware, AuditMiddleware())
    stack.replace(ProviderRoutingMiddleware, ProviderRoutingMiddleware(routes))
    stack.remove(MetricsMiddleware)
    client = LLMClient(stack=stack)

A class names the first stage that is an instance of it; a class not in the stack is a
``ConfigurationError`` listing the stages that are.
"""

from __future__ import annotations

from typing import Any, SupportsIndex

from ..exceptions import ConfigurationError
from .stack import Middleware


class MiddlewareStack(list[Middleware]):
    """The stages of a pipeline, outermost first, editable by stage class."""

    def insert_before(self, stage_class: type[Any], stage: Middleware) -> None:
        """Put ``stage`` just outside (before) the first ``stage_class`` stage."""
        self.insert(self.index_of(stage_class), stage)

    def insert_after(self, stage_class: type[Any], stage: Middleware) -> None:
        """Put ``stage`` just inside (after) the first ``stage_class`` stage."""
        self.insert(self.index_of(stage_class) + 1, stage)

    def replace(self, stage_class: type[Any], stage: Middleware) -> None:
        """Put ``stage`` in the place of the first ``stage_class`` stage."""
        self[self.index_of(stage_class)] = stage

    def remove(self, stage: type[Any] | Middleware, /) -> None:
        """Drop the first stage of class ``stage`` (or ``stage`` itself, as ``list.remove``)."""
        if isinstance(stage, type):
            del self[self.index_of(stage)]
        else:
            super().remove(stage)

    def index_of(self, stage_class: type[Any], start: SupportsIndex = 0) -> int:
        """The position of the first stage that is a ``stage_class``."""
        for position in range(int(start), len(self)):
            if isinstance(self[position], stage_class):
                return position
        present = ", ".join(type(member).__name__ for member in self) or "none"
        raise ConfigurationError(f"no {stage_class.__name__} in the stack (its stages: {present})")
