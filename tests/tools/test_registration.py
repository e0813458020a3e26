"""Registration: names, descriptions, schemas from every source, classes, built-ins, metadata."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

import pytest
from pydantic import BaseModel, Field

from llm_factory_toolkit import BaseTool, LLMClient, ToolError, ToolExecutionResult, ToolFactory

if TYPE_CHECKING:
    from llm_factory_toolkit import ToolRuntime


def parameters_of(factory: ToolFactory, name: str) -> dict[str, Any]:
    return factory.registrations[name].definition["function"]["parameters"]


def test_name_and_description_default_to_the_function() -> None:
    factory = ToolFactory()

    def documented(x: int) -> int:
        """Doubles x."""
        return 2 * x

    def undocumented(x: int) -> int:
        return x

    factory.register_tool(documented)
    factory.register_tool(undocumented, name="plain")
    definitions = factory.get_tool_definitions()
    assert [d["function"]["name"] for d in definitions] == ["documented", "plain"]
    assert definitions[0]["function"]["description"] == "Doubles x."
    assert definitions[1]["function"]["description"] == "Executes the plain function."
    assert definitions[0]["type"] == "function"


def test_schema_from_signature_leaves_out_every_injected_parameter() -> None:
    """tool_runtime, tool_call_depth, tool_session and context_params never reach the schema."""

    def book(
        city: str,
        nights: int = 1,
        kind: Literal["hotel", "hostel"] = "hotel",
        *,
        user_id: str,
        tool_runtime: ToolRuntime,
        tool_call_depth: int = 0,
        tool_session: Any = None,
        **extra: Any,
    ) -> str:
        return city

    factory = ToolFactory()
    factory.register_tool(book, context_params=["user_id"])
    schema = parameters_of(factory, "book")
    assert set(schema["properties"]) == {"city", "nights", "kind"}
    assert schema["required"] == ["city"]
    assert schema["properties"]["kind"] == {
        "default": "hotel",
        "enum": ["hotel", "hostel"],
        "type": "string",
    }
    assert "title" not in schema and "title" not in schema["properties"]["city"]


def test_parameter_names_that_shadow_pydantic_attributes_are_fine() -> None:
    factory = ToolFactory()

    def export(json: str, copy: bool = False, model_name: str = "x") -> str:
        return json

    factory.register_tool(export)
    assert set(parameters_of(factory, "export")["properties"]) == {"json", "copy", "model_name"}


def test_a_pydantic_model_as_parameters() -> None:
    class Query(BaseModel):
        text: str = Field(description="What to look for.")
        limit: int = 5

    factory = ToolFactory()
    factory.register_tool(lambda text, limit: text, name="search", parameters=Query)
    schema = parameters_of(factory, "search")
    assert schema["properties"]["text"] == {"description": "What to look for.", "type": "string"}
    assert schema["required"] == ["text"]


def test_a_json_schema_dict_is_shown_as_given() -> None:
    schema = {
        "type": "object",
        "properties": {"location": {"type": "string", "description": "City"}},
        "required": ["location"],
    }
    factory = ToolFactory()
    factory.register_tool(lambda location: location, name="weather", parameters=schema)
    schema["properties"]["location"]["description"] = "changed later"
    assert parameters_of(factory, "weather")["properties"]["location"]["description"] == "City"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "has space"}, "invalid tool name"),
        ({"name": "x" * 65}, "invalid tool name"),
        ({"parameters": {"type": "object", "required": "location"}}, "not a valid JSON Schema"),
        ({"parameters": ["location"]}, "must be a JSON Schema dict"),
    ],
)
def test_bad_registrations_raise_tool_error(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ToolError, match=message):
        ToolFactory().register_tool(lambda location: location, **{"name": "ok", **kwargs})


class Connection:
    """A type with no JSON schema, like a database handle passed through the context."""


def test_a_parameter_without_a_json_schema_names_the_fix() -> None:
    def query(sql: str, db: Connection) -> str:
        return sql

    with pytest.raises(ToolError, match="context_params"):
        ToolFactory().register_tool(query)
    ToolFactory().register_tool(query, context_params=["db"])


def test_an_unresolvable_annotation_names_the_fix() -> None:
    class Local:
        pass

    def query(sql: str, db: Local) -> str:
        return sql

    with pytest.raises(ToolError, match=r"could not resolve.*context_params"):
        ToolFactory().register_tool(query)
    ToolFactory().register_tool(query, context_params=["db"])


def test_a_non_callable_is_refused() -> None:
    with pytest.raises(ToolError, match="callable"):
        ToolFactory().register_tool("not a function")  # type: ignore[arg-type]


class Forecast(BaseTool):
    NAME = "forecast"
    DESCRIPTION = "Forecast for a city."
    CATEGORY = "data"
    TAGS: ClassVar = ["weather", "api"]
    GROUP = "api.weather"

    def __init__(self, units: str = "metric") -> None:
        self.units = units

    def execute(self, city: str, days: int = 3) -> dict[str, Any]:
        return {"city": city, "days": days, "units": self.units}


def test_a_base_tool_class_with_its_metadata() -> None:
    factory = ToolFactory()
    factory.register_tool_class(Forecast, config={"units": "imperial"})
    registration = factory.registrations["forecast"]
    assert (registration.category, registration.tags, registration.group) == (
        "data",
        ["weather", "api"],
        "api.weather",
    )
    assert registration.description == "Forecast for a city."
    assert set(registration.parameters["properties"]) == {"city", "days"}
    assert registration.function(city="Oslo") == {"city": "Oslo", "days": 3, "units": "imperial"}


def test_class_registration_errors() -> None:
    class Nameless(BaseTool):
        def execute(self) -> str:
            return "x"

    factory = ToolFactory()
    with pytest.raises(ToolError, match="must define NAME"):
        factory.register_tool_class(Nameless)
    with pytest.raises(ToolError, match="subclass of BaseTool"):
        factory.register_tool_class(dict)  # type: ignore[arg-type]
    with pytest.raises(ToolError, match="could not create"):
        factory.register_tool_class(Forecast, config={"colour": "blue"})


def test_metadata_defaults_and_filtering_keep_registration_order() -> None:
    factory = ToolFactory()
    for name in ("c", "a", "b"):
        factory.register_tool(lambda: "x", name=name)
    assert factory.available_tool_names == ["c", "a", "b"]
    assert factory.registrations["a"].tags == [] and factory.registrations["a"].group is None
    names = [d["function"]["name"] for d in factory.get_tool_definitions(["b", "c", "zz"])]
    assert names == ["c", "b"]
    assert factory.get_tool_definitions([]) == []


def test_registering_a_name_again_replaces_the_tool() -> None:
    factory = ToolFactory()
    factory.register_tool(lambda: "old", name="t", description="old")
    factory.register_tool(lambda: "new", name="t", description="new")
    assert factory.available_tool_names == ["t"]
    assert factory.registrations["t"].description == "new"


def test_builtins_register_with_category_and_tags() -> None:
    factory = ToolFactory()
    factory.register_builtins()
    math_tool = factory.registrations["safe_math_evaluator"]
    file_tool = factory.registrations["read_local_file"]
    assert (math_tool.category, math_tool.tags) == ("utility", ["math"])
    assert (file_tool.category, file_tool.tags) == ("utility", ["file"])
    assert file_tool.parameters["required"] == ["file_path"]
    only = ToolFactory()
    only.register_builtins(["safe_math_evaluator"])
    assert only.available_tool_names == ["safe_math_evaluator"]
    with pytest.raises(ToolError, match="unknown built-in"):
        only.register_builtins(["rm_rf"])


def test_client_register_tool_uses_the_clients_own_factory() -> None:
    client = LLMClient(model="openai/x")
    assert client.tool_factory.registrations == {}
    registration = client.register_tool(
        lambda city: ToolExecutionResult(content=city),
        name="get_weather",
        description="Weather.",
        parameters={"type": "object", "properties": {"city": {"type": "string"}}},
        category="data",
        tags=["weather"],
        group="api.weather",
    )
    assert client.tool_factory.registrations["get_weather"] is registration
    assert (registration.category, registration.tags, registration.group) == (
        "data",
        ["weather"],
        "api.weather",
    )
