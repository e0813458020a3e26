"""``ToolContext[Deps]``: the generation's ``deps=`` reach the tool, typed, and nothing else sees
them; the spec's ``tool_execution_context`` keeps working beside it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from llm_factory_toolkit import ToolContext, ToolFactory
from llm_factory_toolkit.testing import LoopbackLLMServer, Text, ToolCalls, ToolCallSpec
from tests.support import loopback_client, offered_tools, tool_results

from .helpers import MODELS, status_of

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize("model", MODELS)]


@dataclass
class Shop:
    owner: str
    api_token: str


def order_tools(seen: list[ToolContext[Shop]]) -> ToolFactory:
    factory = ToolFactory()

    def list_orders(status: str, shop: ToolContext[Shop], region: str = "eu") -> str:
        """Lists the shop's orders with a status."""
        seen.append(shop)
        return f"{shop.deps.owner}: 2 {status} orders in {region}"

    factory.register_tool(list_orders, context_params=["region"])
    return factory


async def ask_for_orders(
    server: LoopbackLLMServer, model: str, **options: Any
) -> list[ToolContext[Shop]]:
    """One ``list_orders`` call (with a forged ``shop`` argument), then an answer."""
    seen: list[ToolContext[Shop]] = []
    arguments = {"status": "open", "shop": {"deps": "forged"}}
    server.script(ToolCalls([ToolCallSpec("list_orders", arguments, id="c1")]), Text("Done."))
    client = loopback_client(server, model, tool_factory=order_tools(seen))
    await client.generate("My open orders?", **options)
    return seen


async def test_deps_reach_the_tool_typed_and_never_the_model(
    server: LoopbackLLMServer, model: str
) -> None:
    deps = Shop(owner="ada", api_token="tok-0123456789")
    seen = await ask_for_orders(server, model, deps=deps, tool_execution_context={"region": "us"})

    (context,) = seen
    assert context.deps is deps and context.tool_call_id == "c1"
    assert context.tool_name == "list_orders" and context.run_id
    assert tool_results(server.requests[1]) == {"c1": "ada: 2 open orders in us"}
    schema = offered_tools(server.requests[0])["list_orders"]
    assert set(schema["properties"]) == {"status"}
    assert all(b"tok-0123456789" not in r.raw_body for r in server.requests)


async def test_deps_of_the_wrong_type_are_an_error_the_model_reads(
    server: LoopbackLLMServer, model: str
) -> None:
    assert await ask_for_orders(server, model, deps={"owner": "ada"}) == []
    result = tool_results(server.requests[1])["c1"]
    assert status_of(result) == "deps_type_error"
    assert "needs deps of type Shop" in json.loads(result)["error"]


async def test_without_deps_a_typed_tool_is_refused_and_an_untyped_one_gets_none(
    server: LoopbackLLMServer, model: str
) -> None:
    factory = order_tools([])
    received: list[object] = []

    def whoami(ctx: ToolContext) -> str:
        """Says who is asking."""
        received.append(ctx.deps)
        return "anonymous"

    factory.register_tool(whoami)
    server.script(
        ToolCalls(
            [
                ToolCallSpec("list_orders", {"status": "open"}, id="c1"),
                ToolCallSpec("whoami", {}, id="c2"),
            ]
        ),
        Text("Done."),
    )
    await loopback_client(server, model, tool_factory=factory).generate("Who am I?")

    results = tool_results(server.requests[1])
    assert status_of(results["c1"]) == "deps_type_error" and "no deps=" in results["c1"]
    assert results["c2"] == "anonymous" and received == [None]
