"""An MCP ``CallToolResult`` as a ``ToolExecutionResult``.

The model reads text: the text blocks, the text of embedded resources, a placeholder naming
each image or binary resource, and the structured content as JSON when the server sent no
text. The caller gets everything as the payload, an ``MCPToolOutput`` with the images and
resources decoded. ``isError`` becomes an error result the model reads as a failure.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from ..pipeline.observed import error_result
from ..tools.models import ToolExecutionResult


@dataclass(frozen=True, slots=True)
class MCPMedia:
    """An image, audio clip or embedded resource a server returned."""

    kind: str
    mime_type: str | None
    data: bytes | None = None
    text: str | None = None
    uri: str | None = None


@dataclass(frozen=True, slots=True)
class MCPToolOutput:
    """Everything an MCP tool call returned: the payload of its ``ToolExecutionResult``."""

    server: str
    tool: str
    text: str
    structured: Any = None
    media: list[MCPMedia] = field(default_factory=list)


def to_tool_result(server: str, tool: str, result: Any) -> ToolExecutionResult:
    """The toolkit's result for an SDK ``CallToolResult``."""
    parts = [_describe(block) for block in result.content]
    media = [m for m in (_media(block) for block in result.content) if m is not None]
    text = "\n".join(part for part in parts if part)
    structured = result.structured_content
    output = MCPToolOutput(server, tool, text, structured, media)
    metadata = {"mcp_server": server, "mcp_tool": tool}
    if result.is_error:
        failed = error_result(text or f"MCP tool '{tool}' failed", status="mcp_tool_error")
        failed.payload, failed.metadata = output, metadata
        return failed
    content = text if text or structured is None else json.dumps(structured, default=str)
    return ToolExecutionResult(content=content, payload=output, metadata=metadata)


def _describe(block: Any) -> str:
    """What the model reads for one content block."""
    if block.type == "text":
        return str(block.text)
    if block.type == "resource":
        text = getattr(block.resource, "text", None)
        return str(text) if text is not None else f"[resource {block.resource.uri}]"
    if block.type == "resource_link":
        return f"[resource {block.uri}]"
    return f"[{block.type} {getattr(block, 'mime_type', '')}]".replace(" ]", "]")


def _media(block: Any) -> MCPMedia | None:
    if block.type in ("image", "audio"):
        return MCPMedia(block.type, block.mime_type, data=base64.b64decode(block.data))
    if block.type != "resource":
        return None
    resource = block.resource
    blob = getattr(resource, "blob", None)
    return MCPMedia(
        "resource",
        resource.mime_type,
        data=base64.b64decode(blob) if blob is not None else None,
        text=getattr(resource, "text", None),
        uri=str(resource.uri),
    )
