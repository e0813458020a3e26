"""Options as the spec and the provider documentation spell them type-check."""

from __future__ import annotations

from llm_factory_toolkit import GenerateOptions, LLMClient, RetryPolicy, ToolSession, UsageLimits


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


async def resilience_options() -> None:
    client = LLMClient(
        retry=RetryPolicy(max_attempts=2),
        fallback_models=["openai/gpt-4o", {"model": "anthropic/claude-sonnet-4", "api_key": "k"}],
        usage_limits=UsageLimits(max_requests=5),
        max_concurrent_generations=4,
        max_tool_result_chars=1000,
        mcp_servers=(),
    )
    await client.generate(
        "hi",
        retry=RetryPolicy(max_attempts=1),
        fallback_models=["openai/gpt-4o"],
        deadline=30.0,
        timeout=10.0,
        tool_timeout=None,
        usage_limits=UsageLimits(max_tool_calls=3),
        max_tool_result_chars=None,
        num_retries=2,
    )
    async with client.stream("hi", deadline=5.0, max_retries=1) as chunks:
        async for _ in chunks:
            pass
