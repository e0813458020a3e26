"""The public surface: exports are sorted and real, and importing the package stays cheap."""

from __future__ import annotations

import subprocess
import sys

import llm_factory_toolkit
from llm_factory_toolkit import testing


def test_all_is_sorted_and_every_name_exists() -> None:
    """__all__ lists real attributes, sorted, so the API is visible at a glance."""
    for module in (llm_factory_toolkit, testing):
        names = list(module.__all__)
        assert names == sorted(names), module.__name__
        missing = [name for name in names if not hasattr(module, name)]
        assert missing == [], module.__name__


def test_the_spec_names_are_importable_from_the_top_level() -> None:
    """The names the integration guide imports from the package root exist."""
    for name in (
        "LLMClient",
        "ToolFactory",
        "BaseTool",
        "GenerationResult",
        "StreamChunk",
        "ToolExecutionResult",
        "ParsedToolCall",
        "ToolIntentOutput",
        "InMemoryToolCatalog",
        "ToolSession",
        "LLMToolkitError",
        "ConfigurationError",
        "ProviderError",
        "ToolError",
        "UnsupportedFeatureError",
    ):
        assert hasattr(llm_factory_toolkit, name), name


def test_import_loads_no_heavy_dependency() -> None:
    """litellm, openai, OpenTelemetry, even asyncio, structlog and pydantic load on first use."""
    code = (
        "import sys, llm_factory_toolkit, llm_factory_toolkit.testing\n"
        "heavy = ('litellm', 'openai', 'opentelemetry.sdk', 'opentelemetry.trace', 'httpx',\n"
        "         'asyncio', 'structlog', 'pydantic', 'jsonschema', 'mcp')\n"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""
