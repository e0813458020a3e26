"""The OpenAI-compatible providers: where each one's Chat Completions API lives, and its key.

``<provider>/<model>`` with a provider in ``COMPATIBLE_PROVIDERS`` goes to that provider's
base URL on the native Chat Completions transport, with the key from its variable (the
first one set). ``api_base`` / ``base_url`` override the URL; the ``<PROVIDER>_API_BASE``
variable does too. Local servers need no key: a placeholder is sent when none is set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..exceptions import ConfigurationError
from ..settings import env_value
from .openai_sdk import openai_settings


@dataclass(frozen=True, slots=True)
class CompatibleProvider:
    """One OpenAI-compatible provider: base URL, key variables, whether a key is needed."""

    base_url: str | None
    key_envs: tuple[str, ...]
    key_required: bool = True


COMPATIBLE_PROVIDERS: Mapping[str, CompatibleProvider] = {
    "groq": CompatibleProvider("https://api.groq.com/openai/v1", ("GROQ_API_KEY",)),
    "deepseek": CompatibleProvider("https://api.deepseek.com/v1", ("DEEPSEEK_API_KEY",)),
    "together_ai": CompatibleProvider(
        "https://api.together.xyz/v1",
        ("TOGETHERAI_API_KEY", "TOGETHER_AI_API_KEY", "TOGETHER_API_KEY"),
    ),
    "fireworks_ai": CompatibleProvider(
        "https://api.fireworks.ai/inference/v1",
        ("FIREWORKS_API_KEY", "FIREWORKS_AI_API_KEY", "FIREWORKSAI_API_KEY"),
    ),
    "openrouter": CompatibleProvider("https://openrouter.ai/api/v1", ("OPENROUTER_API_KEY",)),
    "xai": CompatibleProvider("https://api.x.ai/v1", ("XAI_API_KEY",)),
    "mistral": CompatibleProvider("https://api.mistral.ai/v1", ("MISTRAL_API_KEY",)),
    "cerebras": CompatibleProvider("https://api.cerebras.ai/v1", ("CEREBRAS_API_KEY",)),
    "perplexity": CompatibleProvider("https://api.perplexity.ai", ("PERPLEXITYAI_API_KEY",)),
    "deepinfra": CompatibleProvider("https://api.deepinfra.com/v1/openai", ("DEEPINFRA_API_KEY",)),
    "nvidia_nim": CompatibleProvider(
        "https://integrate.api.nvidia.com/v1", ("NVIDIA_NIM_API_KEY",)
    ),
    "sambanova": CompatibleProvider("https://api.sambanova.ai/v1", ("SAMBANOVA_API_KEY",)),
    "hosted_vllm": CompatibleProvider(None, ("HOSTED_VLLM_API_KEY",), key_required=False),
    "ollama_chat": CompatibleProvider(
        "http://localhost:11434/v1", ("OLLAMA_API_KEY",), key_required=False
    ),
    "lm_studio": CompatibleProvider(
        "http://localhost:1234/v1", ("LM_STUDIO_API_KEY",), key_required=False
    ),
}
"""Provider prefix (litellm's names) -> its OpenAI-compatible Chat Completions API."""

_NO_KEY = "no-key-needed"


def compatible_provider(model: str) -> str | None:
    """The table's provider of ``model`` (``"groq/llama-3"`` -> ``"groq"``), else None."""
    prefix, slash, _ = model.partition("/")
    return prefix if slash and prefix in COMPATIBLE_PROVIDERS else None


def chat_settings(model: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """``AsyncOpenAI`` arguments for ``model``: OpenAI's own, or its provider's from the table."""
    name = compatible_provider(model)
    if name is None:
        return openai_settings(options)
    provider = COMPATIBLE_PROVIDERS[name]
    key_env = next((env for env in provider.key_envs if env_value(env)), None)
    key_env = key_env or provider.key_envs[0]
    if not provider.key_required and not (options.get("api_key") or env_value(key_env)):
        options = {**options, "api_key": _NO_KEY}
    base_url = env_value(f"{name.upper()}_API_BASE") or provider.base_url
    settings = openai_settings(options, key_env=key_env, provider=name, base_url=base_url)
    if "base_url" not in settings:
        raise ConfigurationError(
            f"model {model!r} needs the address of its server: pass api_base= "
            f"(e.g. 'http://localhost:8000/v1') or set {name.upper()}_API_BASE"
        )
    return settings


def bare_model_name(model: str) -> str:
    """The model id the server knows: without the ``openai/`` or provider prefix."""
    name = compatible_provider(model)
    if name is not None:
        return model.removeprefix(f"{name}/")
    return model.removeprefix("openai/")
