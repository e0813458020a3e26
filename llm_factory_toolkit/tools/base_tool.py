"""``BaseTool``: a tool written as a class, with its definition as class attributes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Self

from ..core.results import ToolExecutionResult


def mock_stub(tool_name: str) -> ToolExecutionResult:
    """What a tool without its own mock answers in mock mode."""
    return ToolExecutionResult(
        content=f"Mocked execution for tool '{tool_name}'.",
        metadata={"mock": True, "tool_name": tool_name},
    )


class BaseTool(ABC):
    """Subclass, set the class attributes, implement ``execute``; register the class with
    ``ToolFactory.register_tool_class``.

    ``execute`` receives the model's arguments and, like a function tool, any
    ``tool_execution_context`` value it names (``tool_runtime``, ``tool_call_depth`` and
    ``tool_session`` included). ``PARAMETERS`` may be a JSON Schema dict, a Pydantic model
    class, or None to derive the schema from ``execute``'s signature. Override
    ``mock_execute`` to control what mock mode returns.
    """

    NAME: ClassVar[str]
    DESCRIPTION: ClassVar[str | None] = None
    PARAMETERS: ClassVar[Any] = None
    CATEGORY: ClassVar[str | None] = None
    TAGS: ClassVar[list[str] | None] = None
    GROUP: ClassVar[str | None] = None

    @abstractmethod
    def execute(self, *args: Any, **kwargs: Any) -> Any:
        """Run the tool; return a ``ToolExecutionResult``, a dict, a str or any JSON value."""

    def mock_execute(self, *args: Any, **kwargs: Any) -> Any:
        """What mock mode returns instead of running ``execute``."""
        return mock_stub(getattr(self, "NAME", type(self).__name__))

    @classmethod
    def from_config(cls, **config: Any) -> Self:
        """Create the instance that will serve calls; ``config`` comes from registration."""
        return cls(**config)
