"""The factory a dynamic-loading client runs with: a shared factory's tools plus the meta-tools.

A ``ToolFactory`` may serve several clients. Registering the meta-tools (or a catalog) on it
would make every other client offer them too, so a client with ``dynamic_tool_loading=True``
keeps them here instead: this view reads the shared factory's registrations live (a tool
registered later is seen at once), adds its own, and counts the shared tools' use on the
shared factory, which it never changes.
"""

from __future__ import annotations

from .catalog import InMemoryToolCatalog, ToolCatalog
from .registration import ToolRegistration
from .tool_factory import ToolFactory


class DynamicLoadingFactory(ToolFactory):
    """``base``'s tools plus the meta-tools; the catalog is ``base``'s, else one of its own."""

    def __init__(self, base: ToolFactory) -> None:
        self.base = base
        super().__init__(max_tool_depth=base.max_tool_depth)
        self.register_meta_tools()
        if self.get_catalog() is None:
            self.set_catalog(InMemoryToolCatalog(self))

    @property
    def registrations(self) -> dict[str, ToolRegistration]:
        """The shared factory's registrations, then this view's own."""
        return {**self.base.registrations, **self._own}

    @registrations.setter
    def registrations(self, value: dict[str, ToolRegistration]) -> None:
        self._own = value

    def _add(self, registration: ToolRegistration) -> ToolRegistration:
        self._own[registration.name] = registration
        self._usage.track(registration.name)
        return registration

    def get_catalog(self) -> ToolCatalog | None:
        return self.base.get_catalog() or super().get_catalog()

    def increment_tool_usage(self, tool_name: str) -> None:
        if tool_name in self._own:
            super().increment_tool_usage(tool_name)
        else:
            self.base.increment_tool_usage(tool_name)

    def get_tool_usage_counts(self) -> dict[str, int]:
        return {**self.base.get_tool_usage_counts(), **super().get_tool_usage_counts()}
