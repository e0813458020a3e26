"""Tool parameter schemas, and the check a model's arguments must pass before a tool runs.

The schema the model is shown and the validator come from the same source, so they cannot
drift apart:

- a JSON Schema dict (``parameters={...}``): shown as given, checked with ``jsonschema``;
- a Pydantic model class (``parameters=MyArgs``): its JSON schema, validated by the model;
- nothing: a model built from the function's signature and type hints.

Parameters filled by injection (``tool_runtime``, ``tool_call_depth``, ``tool_session`` and the
declared ``context_params``) are left out of a signature's schema: the model never sees them.
Pydantic and jsonschema load on first use, so ``import llm_factory_toolkit`` stays cheap.
"""

from __future__ import annotations

import copy
import functools
import inspect
import typing
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ..exceptions import ToolError

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

Validator = Callable[[dict[str, Any]], dict[str, Any]]
T = TypeVar("T")


class ArgumentsError(ValueError):
    """The model's arguments were rejected; ``status`` names the kind of problem."""

    def __init__(self, message: str, status: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class ToolSchema:
    """The JSON Schema the model is shown, the names it declares, and the argument check."""

    parameters: dict[str, Any]
    fields: frozenset[str]
    validate: Validator
    """Returns the tool's keyword arguments; raises ``ArgumentsError``."""


def build_schema(
    tool_name: str, function: Callable[..., Any], parameters: Any, exclude: Collection[str]
) -> ToolSchema:
    """The schema for a tool from whichever source the registration gave."""
    if parameters is None:
        return schema_from_signature(tool_name, function, frozenset(exclude))
    if isinstance(parameters, Mapping):
        return schema_from_dict(tool_name, parameters)
    if isinstance(parameters, type):
        from pydantic import BaseModel

        if issubclass(parameters, BaseModel):
            return schema_from_model(tool_name, parameters)
    raise ToolError(
        f"parameters of tool '{tool_name}' must be a JSON Schema dict, a Pydantic model class "
        f"or None (to use the function's signature), got {type(parameters).__name__}"
    )


def schema_from_dict(tool_name: str, parameters: Mapping[str, Any]) -> ToolSchema:
    """A JSON Schema given as a dict; checked once here, then used for every call."""
    from jsonschema import exceptions, validators

    schema = copy.deepcopy(dict(parameters)) or {"type": "object", "properties": {}}
    checker_class = validators.validator_for(schema)
    try:
        checker_class.check_schema(schema)
    except exceptions.SchemaError as exc:
        raise ToolError(
            f"the parameters of tool '{tool_name}' are not a valid JSON Schema: {exc.message}"
        ) from exc
    checker = checker_class(schema)

    def validate(arguments: dict[str, Any]) -> dict[str, Any]:
        if not checker.is_valid(arguments):
            error = exceptions.best_match(checker.iter_errors(arguments))
            where = "/".join(str(part) for part in error.absolute_path)
            detail = f"{where}: {error.message}" if where else error.message
            raise _invalid(tool_name, detail)
        return arguments

    return ToolSchema(schema, frozenset(schema.get("properties") or ()), validate)


def schema_from_model(tool_name: str, model: type[BaseModel]) -> ToolSchema:
    """A Pydantic model class: the tool receives the validated fields as keyword arguments."""
    parameters = _model_schema(tool_name, model)

    def validate(arguments: dict[str, Any]) -> dict[str, Any]:
        return dict(_validated(tool_name, model, arguments))

    return ToolSchema(parameters, frozenset(parameters.get("properties") or ()), validate)


def schema_from_signature(
    tool_name: str, function: Callable[..., Any], exclude: frozenset[str]
) -> ToolSchema:
    """A model built from the signature; injected parameters are not part of it."""
    from pydantic import ConfigDict, create_model

    parameters = inspect.signature(function).parameters.values()
    takes_any = any(parameter.kind is parameter.VAR_KEYWORD for parameter in parameters)
    fields, names = _signature_fields(tool_name, function, exclude)
    config = ConfigDict(extra="allow" if takes_any else "forbid", protected_namespaces=())
    model = _create(
        tool_name, lambda: create_model(f"{tool_name}_arguments", __config__=config, **fields)
    )

    def validate(arguments: dict[str, Any]) -> dict[str, Any]:
        instance = _validated(tool_name, model, arguments)
        values = {names[internal]: getattr(instance, internal) for internal in names}
        return {**values, **(instance.model_extra or {})}

    return ToolSchema(_model_schema(tool_name, model), frozenset(names.values()), validate)


def _signature_fields(
    tool_name: str, function: Callable[..., Any], exclude: frozenset[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Pydantic field definitions for the parameters the model fills, and their real names.

    Fields get internal names with the real name as alias, so any parameter name is allowed,
    even one that shadows a BaseModel attribute (``json``, ``copy``, ``model_*``...).
    """
    from pydantic import Field

    hints = _type_hints(tool_name, function, exclude)
    fields: dict[str, Any] = {}
    names: dict[str, str] = {}
    for parameter in inspect.signature(function).parameters.values():
        if parameter.name in exclude or parameter.kind in _NOT_BY_NAME:
            continue
        if parameter.kind is parameter.POSITIONAL_ONLY:
            raise ToolError(
                f"parameter '{parameter.name}' of tool '{tool_name}' is positional-only; "
                "tools are called with keyword arguments"
            )
        default = ... if parameter.default is parameter.empty else parameter.default
        internal = f"p{len(names)}"
        names[internal] = parameter.name
        fields[internal] = (hints.get(parameter.name, Any), Field(default, alias=parameter.name))
    return fields, names


_HINT = (
    "Pass parameters= explicitly, or list the parameters filled from tool_execution_context "
    "in context_params="
)
_NOT_BY_NAME = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def _validated(tool_name: str, model: type[BaseModel], arguments: dict[str, Any]) -> BaseModel:
    from pydantic import ValidationError

    try:
        return model.model_validate(arguments)
    except ValidationError as exc:
        raise _invalid(tool_name, _summary(exc)) from None


def _summary(exc: ValidationError) -> str:
    """The validation errors without the offending values (they may be injected ones)."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'arguments'}: {error['msg']}"
        for error in exc.errors(include_url=False, include_input=False)
    )


def _invalid(tool_name: str, detail: str) -> ArgumentsError:
    return ArgumentsError(
        f"Invalid arguments for tool '{tool_name}': {detail}", "argument_validation_error"
    )


def _model_schema(tool_name: str, model: type[BaseModel]) -> dict[str, Any]:
    schema = _create(tool_name, lambda: model.model_json_schema(schema_generator=_generator()))
    schema.pop("title", None)
    return schema


def _create(tool_name: str, build: Callable[[], T]) -> T:
    """Run a Pydantic build step, turning its errors into one clear ``ToolError``."""
    try:
        return build()
    except Exception as exc:
        raise ToolError(
            f"could not build a parameters schema for tool '{tool_name}': {exc}. {_HINT}"
        ) from exc


@functools.cache
def _generator() -> type[Any]:
    """A schema generator without per-field titles: tokens the model does not need."""
    from pydantic.json_schema import GenerateJsonSchema

    class Untitled(GenerateJsonSchema):
        def field_title_should_be_set(self, schema: Any) -> bool:
            return False

    return Untitled


def _type_hints(
    tool_name: str, function: Callable[..., Any], exclude: frozenset[str]
) -> dict[str, Any]:
    """The resolved annotations of the parameters the model fills.

    Injected parameters are skipped before resolution, so annotating ``tool_runtime`` with a
    type imported only under ``TYPE_CHECKING`` does not break the schema.
    """
    target = annotated_function(function)
    wanted = {
        name: annotation
        for name, annotation in getattr(target, "__annotations__", {}).items()
        if name not in exclude and name != "return"
    }

    def shim() -> None: ...

    shim.__annotations__ = wanted
    try:
        return typing.get_type_hints(
            shim, globalns=getattr(target, "__globals__", None), include_extras=True
        )
    except Exception as exc:
        raise ToolError(
            f"could not resolve the parameter types of tool '{tool_name}': {exc}. {_HINT}"
        ) from exc


def annotated_function(function: Callable[..., Any]) -> Any:
    """The plain function that carries the annotations of ``function``."""
    target: Any = inspect.unwrap(function)
    while isinstance(target, functools.partial):
        target = target.func
    target = getattr(target, "__func__", target)
    if not inspect.isfunction(target) and not isinstance(target, type):
        target = type(target).__call__
    return target
