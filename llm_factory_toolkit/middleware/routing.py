"""Provider routing: choose the transport that will carry each model call.

The standard routes are a table (``ROUTE_TABLE``): the first row whose model prefix and
``api_base`` condition match names the wire; a native wire whose SDK is not installed falls
back to litellm, which takes every model no row names.

=====================================================  ==================  ================
model                                                  ``api_base``        transport
=====================================================  ==================  ================
OpenAI's own (``gpt-``, ``o1-``...``o4-``, ``chatgpt-``) not given           Responses
``openai/<any name>``, or OpenAI's own                 given               Chat Completions
``openai/<any name>``                                  not given           Chat Completions
``<provider>/`` of ``COMPATIBLE_PROVIDERS``            either              Chat Completions
``anthropic/``, ``claude-``                            either              Anthropic
anything else                                          either              litellm
=====================================================  ==================  ================

The ``route`` option (on ``LLMClient`` or per call) forces a choice: ``"native"`` (the
table's native wire, or a ``ConfigurationError`` saying why there is none), ``"litellm"``,
``"responses"``. A stage placed earlier in the stack, or a ``transport=`` given to
``LLMClient``, overrides everything by setting ``call.transport``; ``routes=`` replaces the
table with ``(predicate(model), transport)`` pairs tried in order, litellm taking the rest.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.calls import ModelCall, ModelHandler, ModelResponse
from ..exceptions import ConfigurationError
from ..transports.base import Transport
from ..transports.openai_compatible import compatible_provider
from ..transports.openai_responses import is_openai_model

Route = tuple[Callable[[str], bool], Transport]
ROUTES = ("native", "litellm", "responses")
"""The values the ``route`` option takes."""


@dataclass(frozen=True, slots=True)
class RouteRule:
    """One row of the routing table: which models (and ``api_base``) go to which wire."""

    matches: Callable[[str], bool]
    api_base: bool | None
    """True: only with an ``api_base``; False: only without; None: either."""
    wire: str


def _openai_prefixed(model: str) -> bool:
    return model.startswith("openai/")


def _anthropic(model: str) -> bool:
    return model.startswith(("anthropic/", "claude-"))


def _compatible(model: str) -> bool:
    return compatible_provider(model) is not None


ROUTE_TABLE: tuple[RouteRule, ...] = (
    RouteRule(is_openai_model, False, "responses"),
    RouteRule(is_openai_model, True, "chat"),
    RouteRule(_openai_prefixed, None, "chat"),
    RouteRule(_compatible, None, "chat"),
    RouteRule(_anthropic, None, "anthropic"),
)

_SDK_OF = {
    "responses": ("openai", "openai"),
    "chat": ("openai", "openai"),
    "anthropic": ("anthropic", "anthropic"),
}
"""The package each native wire needs, and the extra that installs it."""


def native_wire(model: str, options: Mapping[str, Any]) -> str | None:
    """The table's wire for ``model`` with these provider options, or None (litellm's)."""
    has_base = bool(options.get("api_base") or options.get("base_url"))
    for rule in ROUTE_TABLE:
        if rule.matches(model) and rule.api_base in (None, has_base):
            return rule.wire
    return None


@functools.cache
def sdk_installed(module: str) -> bool:
    """Whether ``module`` can be imported (without importing it)."""
    return importlib.util.find_spec(module) is not None


def wire_for(model: str, options: Mapping[str, Any]) -> str:
    """The wire a call takes: the ``route`` option, else the table, else litellm."""
    route = options.get("route")
    if route not in (None, *ROUTES):
        raise ConfigurationError(f"route must be one of {', '.join(ROUTES)}, got {route!r}")
    if route in ("litellm", "responses"):
        return str(route)
    wire = native_wire(model, options)
    if wire is not None and sdk_installed(_SDK_OF[wire][0]):
        return wire
    if route == "native":
        raise ConfigurationError(_no_native_reason(model, wire))
    return "litellm"


def _no_native_reason(model: str, wire: str | None) -> str:
    if wire is None:
        return f"route='native': model {model!r} has no native transport; use route='litellm'"
    module, extra = _SDK_OF[wire]
    return (
        f"route='native': model {model!r} needs the {module} package: "
        f"pip install 'llm-factory-toolkit[{extra}]'"
    )


class ProviderRoutingMiddleware:
    """Sets ``call.transport`` from the model and options, unless a transport was chosen."""

    def __init__(
        self, routes: Sequence[Route] | None = None, default: Transport | None = None
    ) -> None:
        self.routes: tuple[Route, ...] | None = None if routes is None else tuple(routes)
        self._default = default
        self._transports: dict[str, Transport] = {}

    @property
    def default(self) -> Transport:
        if self._default is None:
            from ..transports.litellm_transport import LiteLLMTransport

            self._default = LiteLLMTransport()
        return self._default

    def choose(self, model: str, options: Mapping[str, Any] | None = None) -> Transport:
        """The transport for ``model`` called with ``options``."""
        if self.routes is not None:
            return next((t for accepts, t in self.routes if accepts(model)), self.default)
        wire = wire_for(model, options or {})
        return self.default if wire == "litellm" else self._transport(wire)

    def _transport(self, wire: str) -> Transport:
        if wire not in self._transports:
            self._transports[wire] = _new_transport(wire)
        return self._transports[wire]

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        if call.transport is None:
            call.transport = self.choose(call.model, call.options)
        call.options.pop("route", None)
        return await call_next(call)

    async def aclose(self) -> None:
        """Close the connections the transports hold on the current event loop."""
        chosen = [t for _, t in self.routes or ()] + list(self._transports.values())
        for transport in chosen:
            await transport.aclose()
        if self._default is not None:
            await self._default.aclose()


_TRANSPORT_CLASSES = {
    "responses": ("openai_responses", "OpenAIResponsesTransport"),
    "chat": ("openai_chat", "OpenAIChatTransport"),
    "anthropic": ("anthropic_transport", "AnthropicTransport"),
}


def _new_transport(wire: str) -> Transport:
    """The transport of ``wire``; its module loads only when a call first takes it."""
    module, name = _TRANSPORT_CLASSES[wire]
    loaded = importlib.import_module(f"llm_factory_toolkit.transports.{module}")
    transport: Transport = getattr(loaded, name)()
    return transport
