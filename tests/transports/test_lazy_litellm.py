"""litellm is never imported when only native routes are used (it costs seconds)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from llm_factory_toolkit.testing import LoopbackLLMServer, Text, ToolCalls, ToolCallSpec

CHILD = textwrap.dedent(
    """
    import sys
    import anyio
    from llm_factory_toolkit import LLMClient, ToolFactory

    def get_weather(city: str) -> str:
        return "21"

    async def main(openai_base: str, anthropic_base: str) -> None:
        tools = ToolFactory()
        tools.register_tool(get_weather, description="Weather in a city.")
        for model, base in (("openai/local", openai_base), ("anthropic/claude-x", anthropic_base)):
            async with LLMClient(model, api_key="k", api_base=base, tool_factory=tools) as client:
                await client.generate(input="Weather in Paris?")
                stream = await client.generate(input="hi", stream=True)
                async for _ in stream:
                    pass
        print("litellm" in sys.modules)

    anyio.run(main, sys.argv[1], sys.argv[2], backend=sys.argv[3])
    """
)


def test_native_routes_never_import_litellm(server: LoopbackLLMServer) -> None:
    turns = [ToolCalls([ToolCallSpec("get_weather", {"city": "Paris"})]), Text("21"), Text("hi")]
    for backend in ("asyncio", "trio"):
        server.reset()
        server.script(*turns, *turns)
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                server.openai_base_url,
                server.anthropic_base_url,
                backend,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "False"
        assert [r.api for r in server.requests] == ["chat"] * 3 + ["messages"] * 3
