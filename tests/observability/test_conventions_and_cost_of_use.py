"""Names from the conventions only; tracing costs nothing until the application uses OTel;
the shipped example runs offline and prints the expected trace."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from opentelemetry.semconv._incubating.attributes import gen_ai_attributes
from opentelemetry.semconv._incubating.metrics import gen_ai_metrics

from llm_factory_toolkit import LLMClient, RetryPolicy, ServerError, ToolCall, ToolCallDenied
from llm_factory_toolkit.telemetry import semconv
from llm_factory_toolkit.testing import Fail, ScriptedTransport, Text, ToolCalls, ToolCallSpec
from tests.support import weather_factory

from .conftest import Traces

EXAMPLE = Path(__file__).parents[2] / "examples" / "otel_tracing.py"
DEPRECATED = {
    "gen_ai.system",
    "gen_ai.usage.prompt_tokens",
    "gen_ai.usage.completion_tokens",
    "gen_ai.prompt",
    "gen_ai.completion",
    "gen_ai.openai.request.seed",
    "gen_ai.openai.request.response_format",
    "gen_ai.openai.request.service_tier",
}


def convention_names() -> set[str]:
    return {
        value
        for name, value in vars(gen_ai_attributes).items()
        if name.startswith("GEN_AI_") and isinstance(value, str)
    }


@pytest.mark.anyio
async def test_every_gen_ai_attribute_is_a_current_convention_name(traces: Traces) -> None:
    """Across success, denial, failure and captured content, no name is invented or retired."""
    client = LLMClient(
        model="anthropic/claude-sonnet-4-5",
        transport=ScriptedTransport(
            ToolCalls(
                [
                    ToolCallSpec("get_weather", {"city": "Oslo"}),
                    ToolCallSpec("get_weather", {"city": "Rome"}, id="veto"),
                ]
            ),
            Text("Cold."),
            Fail(500),
        ),
        tool_factory=weather_factory(),
        telemetry=traces.telemetry(capture_content=True),
        retry=RetryPolicy(max_attempts=1),
        top_p=0.9,
    )

    @client.hooks.before_tool_call
    def veto(call: ToolCall) -> None:
        if call.id == "veto":
            raise ToolCallDenied("no")

    await client.generate(
        input=[{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]
    )
    with pytest.raises(ServerError):
        await client.generate(input="again")
    used = {key for span in traces.spans for key in (span.attributes or {})}
    gen_ai = {key for key in used if key.startswith("gen_ai.")}
    assert gen_ai <= convention_names()
    assert not used & DEPRECATED
    assert used - gen_ai <= {
        "server.address",
        "server.port",
        "error.type",
        *(
            value
            for name, value in vars(semconv).items()
            if name.isupper() and "llm_factory." in str(value)
        ),
    }
    assert semconv.TOKEN_USAGE_METRIC == gen_ai_metrics.GEN_AI_CLIENT_TOKEN_USAGE
    assert semconv.OPERATION_DURATION_METRIC == gen_ai_metrics.GEN_AI_CLIENT_OPERATION_DURATION


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_importing_and_generating_without_otel_imports_none_of_it() -> None:
    """The package, and a whole tool-using generation through the default stack (tracing and
    metrics stages included), import no OpenTelemetry module, nor litellm or openai; with
    only the API imported, no provider installed, the SDK is never imported either."""
    found = run_python(
        """
        import sys
        import llm_factory_toolkit
        at_import = sorted(m for m in sys.modules if m.split(".")[0] in
                           ("opentelemetry", "litellm", "openai"))
        import anyio
        from llm_factory_toolkit import LLMClient, ToolFactory
        from llm_factory_toolkit.testing import ScriptedTransport, Text, ToolCalls, ToolCallSpec

        def get_weather(city: str) -> str:
            return "sunny"

        factory = ToolFactory()
        factory.register_tool(get_weather, parameters={"type": "object", "properties": {}})
        client = LLMClient(model="scripted/m", tool_factory=factory, transport=ScriptedTransport(
            ToolCalls([ToolCallSpec("get_weather", {"city": "Oslo"})]), Text("Sunny.")))
        anyio.run(client.generate, "Oslo?")
        after_run = sorted(m for m in sys.modules if m.startswith("opentelemetry"))
        from opentelemetry import metrics, trace
        anyio.run(client.generate, "Oslo?")
        with_api_only = sorted(m for m in sys.modules if m.startswith("opentelemetry.sdk"))
        print(at_import, after_run, with_api_only)
        """
    )
    assert found.strip() == "[] [] []"


def test_the_example_prints_the_trace_tree_offline() -> None:
    """examples/otel_tracing.py: global provider, caller's span as parent, the GenAI tree, and
    the injected user id nowhere in the output although content capture is on."""
    output = run_python(f"import runpy; runpy.run_path({str(EXAMPLE)!r}, run_name='__main__')")
    tree = output.split("trace:\n", 1)[1].splitlines()
    assert [line.split(" [")[0] for line in tree] == [
        "handle_request",
        "    invoke_agent weather-assistant",
        "        chat demo-model",
        "        execute_tool get_weather",
        "        chat demo-model",
    ]
    assert "'server.address': '127.0.0.1'" in tree[2]
    assert "'gen_ai.usage.input_tokens': 68" in tree[1]
    assert output.count('"name": ') == 5
    assert "user-8841" not in output
