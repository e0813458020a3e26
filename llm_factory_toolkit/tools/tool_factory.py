"""ToolFactory: the registry of tools the model may call.

It holds registrations (functions, ``BaseTool`` classes, built-ins), exports their definitions
in registration order, counts their use, and runs a tool directly with ``dispatch_tool`` for
code outside a generation. Inside a generation, tools run through the pipeline's tool stages
(``tools.dispatch.execute_tool_call`` is the core).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..log import log
from ..pipeline.context import ToolCall
from .base_tool import BaseTool
from .builtins import BUILTIN_TOOLS, builtin_function
from .dispatch import run_detached
from .models import ToolExecutionResult
from .registration import ToolRegistration, build_registration, registration_for_class
from .runtime import DEFAULT_MAX_DEPTH
from .usage_counts import ToolUsageCounts

if TYPE_CHECKING:
    from ..mcp.servers import MCPServer
    from ..mcp.toolset import MCPToolset
    from .catalog import ToolCatalog

__all__ = ["ToolFactory", "ToolRegistration"]

_call_ids = itertools.count(1)


class ToolFactory:
    """Registers tools and runs them.

    Args:
        max_tool_depth: How deep tools may nest calls through ``tool_runtime``.
    """

    def __init__(self, *, max_tool_depth: int = DEFAULT_MAX_DEPTH) -> None:
        self.registrations: dict[str, ToolRegistration] = {}
        self.max_tool_depth = max_tool_depth
        self._usage = ToolUsageCounts()
        self._catalog: ToolCatalog | None = None
        self.mcp_toolsets: list[MCPToolset] = []

    def register_tool(
        self,
        function: Callable[..., Any],
        name: str | None = None,
        description: str | None = None,
        parameters: Any = None,
        mock_function: Callable[..., Any] | None = None,
        category: str | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
        *,
        context_params: Sequence[str] = (),
    ) -> ToolRegistration:
        """Register ``function`` as a tool.

        ``name`` defaults to the function's name and ``description`` to its docstring.
        ``parameters`` is a JSON Schema dict, a Pydantic model class, or None to derive the
        schema from the signature; ``context_params`` names the parameters filled from
        ``tool_execution_context``, which that derived schema leaves out (``tool_runtime``,
        ``tool_call_depth`` and ``tool_session`` always are). ``mock_function`` answers in mock
        mode. Raises ``ToolError`` for an invalid name or schema.
        """
        registration = build_registration(
            function,
            name,
            description,
            parameters,
            mock_function,
            category,
            tags,
            group,
            context_params,
        )
        return self._add(registration)

    def register_tool_class(
        self,
        tool_class: type[BaseTool],
        config: dict[str, Any] | None = None,
        name_override: str | None = None,
        description_override: str | None = None,
        parameters_override: Any = None,
    ) -> ToolRegistration:
        """Register a ``BaseTool`` subclass, created once with ``from_config(**config)``."""
        return self._add(
            registration_for_class(
                tool_class, config, name_override, description_override, parameters_override
            )
        )

    def register_builtins(
        self,
        names: Sequence[str] | None = None,
        *,
        base_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        """Register built-in tools (all when ``names`` is None).

        ``base_dir`` is the only directory ``read_local_file`` reads from; without one it
        refuses every read (never the working directory, where ``.env`` lives).
        """
        for name in BUILTIN_TOOLS if names is None else names:
            builtin, function = builtin_function(name, base_dir)
            self.register_tool(
                function,
                name=name,
                description=builtin.description,
                parameters=builtin.parameters,
                category=builtin.category,
                tags=builtin.tags,
            )

    def register_meta_tools(self) -> None:
        """Register the dynamic-loading meta-tools (``browse_toolkit``, ``load_tools``, ...)."""
        from .meta_tools import register_meta_tools

        register_meta_tools(self)

    def register_mcp_server(self, server: MCPServer, prefix: str | None = None) -> MCPToolset:
        """Offer the tools of an MCP server, listed on its first use in a generation.

        ``prefix`` names them ``{prefix}_{tool}``. See ``llm_factory_toolkit.mcp``.
        """
        from ..mcp.toolset import MCPToolset

        toolset = MCPToolset(self, server, prefix)
        self.mcp_toolsets.append(toolset)
        return toolset

    def set_catalog(self, catalog: ToolCatalog | None) -> None:
        """Attach the catalog the dynamic-loading meta-tools search."""
        self._catalog = catalog

    def get_catalog(self) -> ToolCatalog | None:
        """The attached catalog, if any."""
        return self._catalog

    def _add(self, registration: ToolRegistration) -> ToolRegistration:
        if registration.name in self.registrations:
            log("warning", "tool_replaced", tool=registration.name)
        self.registrations[registration.name] = registration
        self._usage.track(registration.name)
        return registration

    @property
    def available_tool_names(self) -> list[str]:
        """The registered names, in registration order."""
        return list(self.registrations)

    @property
    def tool_definitions(self) -> list[dict[str, Any]]:
        """Every tool's definition, in registration order."""
        return self.get_tool_definitions()

    def get_tool_definitions(
        self, filter_tool_names: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        """Definitions in registration order, only those named when ``filter_tool_names``."""
        if filter_tool_names is None:
            return [r.definition for r in self.registrations.values()]
        wanted = set(filter_tool_names)
        missing = wanted.difference(self.registrations)
        if missing:
            log("warning", "tools_not_registered", tools=sorted(missing))
        return [r.definition for r in self.registrations.values() if r.name in wanted]

    async def dispatch_tool(
        self,
        function_name: str,
        function_args_str: str,
        tool_execution_context: Mapping[str, Any] | None = None,
        use_mock: bool = False,
    ) -> ToolExecutionResult:
        """Run one tool outside a generation; every problem comes back as an error result.

        ``function_args_str`` is the JSON object of arguments; ``tool_execution_context`` is
        injected as in a generation. Hooks and events belong to a client's pipeline, so they
        do not apply here; mock mode, injection and usage counting do.
        """
        call = ToolCall(
            id=f"dispatch_{next(_call_ids)}",
            name=function_name,
            arguments=function_args_str or "",
            tool_context=MappingProxyType(dict(tool_execution_context or {})),
            mock=use_mock,
        )
        return await self.run_detached(call)

    async def run_detached(self, call: ToolCall) -> ToolExecutionResult:
        """Run ``call`` without a pipeline (``call.ctx`` is None); see ``dispatch_tool``."""
        return await run_detached(self, call)

    def increment_tool_usage(self, tool_name: str) -> None:
        """Count one use of ``tool_name``; unregistered names are ignored."""
        self._usage.increment(tool_name)

    def get_tool_usage_counts(self) -> dict[str, int]:
        """A copy of the use counts, by tool name."""
        return self._usage.snapshot()

    def reset_tool_usage_counts(self) -> None:
        """Set every count back to 0."""
        self._usage.reset()

    def get_and_reset_tool_usage_counts(self) -> dict[str, int]:
        """The counts, reset to 0 in the same atomic step; registered names stay, at 0."""
        return self._usage.snapshot_and_reset()
