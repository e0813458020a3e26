"""Options as the spec and the provider documentation spell them type-check."""

from __future__ import annotations

from llm_factory_toolkit import GenerateOptions, LLMClient, ToolSession


async def options(session: ToolSession) -> None:
    client = LLMClient(model="openai/gpt-4o-mini", timeout=300.0, num_retries=3, api_key="k")
    await client.generate(
        [{"role": "user", "content": "hi"}],
        temperature=0.2,
        max_output_tokens=256,
        use_tools=["get_weather"],
        tool_execution_context={"user_id": "u1"},
        tool_session=session,
        top_p=0.9,
        seed=7,
        stop=["END"],
        tool_choice="required",
        parallel_tool_calls=False,
        extra_headers={"x-trace": "1"},
        extra_body={"provider_flag": True},
    )
    shared: GenerateOptions = {"temperature": 0.0, "mock_tools": True}
    await client.generate("again", **shared)
    await client.generate_tool_intent("plan", **shared)
