"""Provider routing: choose the transport that will carry each model call.

Routes are tried in order; the first whose predicate accepts the model wins, and the default
(litellm, for every provider) takes the rest. The standard routes send OpenAI's own models
(``gpt-``, ``o1-``, ``o3-``, ``o4-``, ``chatgpt-``, with or without ``openai/``) to the native
Responses API; any other ``openai/<name>`` (a local OpenAI-compatible server, say) stays on
litellm. A stage placed earlier in the stack, or a ``transport=`` given to ``LLMClient``,
overrides the choice by setting ``call.transport``; ``routes=()`` turns the standard routes off.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..core.calls import ModelCall, ModelHandler, ModelResponse
from ..transports.base import Transport
from ..transports.openai_responses import OpenAIResponsesTransport, is_openai_model

Route = tuple[Callable[[str], bool], Transport]


class ProviderRoutingMiddleware:
    """Sets ``call.transport`` from the model name, unless a transport was already chosen."""

    def __init__(
        self, routes: Sequence[Route] | None = None, default: Transport | None = None
    ) -> None:
        self.routes = standard_routes() if routes is None else tuple(routes)
        self._default = default

    @property
    def default(self) -> Transport:
        if self._default is None:
            from ..transports.litellm_transport import LiteLLMTransport

            self._default = LiteLLMTransport()
        return self._default

    def choose(self, model: str) -> Transport:
        """The transport for ``model``."""
        for accepts, transport in self.routes:
            if accepts(model):
                return transport
        return self.default

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        if call.transport is None:
            call.transport = self.choose(call.model)
        return await call_next(call)

    async def aclose(self) -> None:
        """Close the connections the transports hold on the current event loop."""
        for _, transport in self.routes:
            await transport.aclose()
        if self._default is not None:
            await self._default.aclose()


def standard_routes() -> tuple[Route, ...]:
    """OpenAI's own models to the Responses API (the ``openai`` package is loaded on use)."""
    return ((is_openai_model, OpenAIResponsesTransport()),)
