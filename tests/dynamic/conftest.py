"""A small realistic toolbox shared by the dynamic-loading tests."""

from __future__ import annotations

from typing import Any

import pytest

from llm_factory_toolkit import ToolFactory

OBJECT: dict[str, Any] = {
    "type": "object",
    "properties": {"query": {"type": "string"}},
}

TOOLS: list[tuple[str, str, str, list[str], str | None]] = [
    (
        "call_human",
        "Escalate to a human operator.",
        "communication",
        ["human", "escalation"],
        "support.escalation",
    ),
    (
        "send_email",
        "Send an email to a recipient.",
        "communication",
        ["email"],
        "communication.email",
    ),
    (
        "send_email_template",
        "Send a templated email to a list of recipients.",
        "communication",
        ["email", "template"],
        "communication.email",
    ),
    (
        "send_sms",
        "Send a text message to a phone number.",
        "communication",
        ["sms", "phone"],
        "communication.sms",
    ),
    (
        "search_crm",
        "Search the CRM database for customers.",
        "crm",
        ["search", "customer"],
        "crm.search",
    ),
    ("get_contact", "Fetch one contact by id.", "crm", ["customer", "contact"], "crm.contacts"),
    (
        "update_contact",
        "Change a contact's phone or address.",
        "crm",
        ["customer", "contact"],
        "crm.contacts",
    ),
    (
        "forecast_pipeline",
        "Forecast revenue from open deals.",
        "sales",
        ["pipeline", "forecast"],
        "sales.pipeline",
    ),
    ("get_secret", "Read one secret from the vault.", "security", ["vault"], "security.secrets"),
    ("weather_now", "Current weather for a city.", "data", ["weather", "api"], None),
]


def register(
    factory: ToolFactory,
    name: str,
    description: str,
    category: str | None = None,
    tags: list[str] | None = None,
    group: str | None = None,
) -> None:
    """Register a tool that echoes its name, so a test can see it ran."""

    def tool(query: str = "") -> dict[str, str]:
        return {"tool": name, "query": query}

    factory.register_tool(
        tool,
        name=name,
        description=description,
        parameters=OBJECT,
        category=category,
        tags=tags,
        group=group,
    )


def build_factory() -> ToolFactory:
    factory = ToolFactory()
    for name, description, category, tags, group in TOOLS:
        register(factory, name, description, category, tags, group)
    return factory


@pytest.fixture
def factory() -> ToolFactory:
    return build_factory()
