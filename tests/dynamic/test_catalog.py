"""InMemoryToolCatalog: the original keyword semantics, ranking, filters, metadata, the index."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings, strategies as st

from llm_factory_toolkit import InMemoryToolCatalog, ToolCatalog, ToolCatalogEntry, ToolFactory
from llm_factory_toolkit.tools.catalog_text import STOP_WORDS, query_words, stem, text_words

from .conftest import build_factory, register


def names(entries: Sequence[ToolCatalogEntry]) -> list[str]:
    return [entry.name for entry in entries]


class TestKeywordSemantics:
    def test_built_from_registration_metadata(self, factory: ToolFactory) -> None:
        """Entries carry name, description, parameters, category, tags and group."""
        entry = InMemoryToolCatalog(factory).get_entry("search_crm")
        assert entry is not None
        assert entry.description == "Search the CRM database for customers."
        assert entry.parameters["properties"] == {"query": {"type": "string"}}
        assert (entry.category, entry.tags, entry.group) == (
            "crm",
            ["search", "customer"],
            "crm.search",
        )

    def test_case_insensitive_over_name_description_and_tags(self, factory: ToolFactory) -> None:
        """A word matches in any of the three fields, whatever its case."""
        catalog = InMemoryToolCatalog(factory)
        assert names(catalog.search(query="CRM")) == ["search_crm"]  # name and description
        assert names(catalog.search(query="vault")) == ["get_secret"]  # tag and description
        assert names(catalog.search(query="escalation")) == ["call_human"]  # tag only

    def test_every_query_word_must_match(self, factory: ToolFactory) -> None:
        """Words are ANDed: 'email template' narrows 'email'."""
        catalog = InMemoryToolCatalog(factory)
        assert set(names(catalog.search(query="email"))) == {"send_email", "send_email_template"}
        assert names(catalog.search(query="email template")) == ["send_email_template"]
        assert catalog.search(query="email weather") == []

    def test_words_split_on_underscores_and_hyphens(self, factory: ToolFactory) -> None:
        """'send_email' and 'send-email' are the words send and email."""
        catalog = InMemoryToolCatalog(factory)
        expected = ["send_email", "send_email_template"]
        assert names(catalog.search(query="send_email")) == expected
        assert names(catalog.search(query="send-email")) == expected

    def test_plurals_and_verb_forms_match_by_containment(self, factory: ToolFactory) -> None:
        """'secrets' finds 'secret', 'mail' finds 'email', 'forecasting' finds 'forecast'."""
        catalog = InMemoryToolCatalog(factory)
        assert names(catalog.search(query="secrets")) == ["get_secret"]
        assert set(names(catalog.search(query="mail"))) == {"send_email", "send_email_template"}
        assert names(catalog.search(query="forecasting")) == ["forecast_pipeline"]
        assert names(catalog.search(query="customers contacts"))[:2] == [
            "get_contact",
            "update_contact",
        ]

    def test_short_tool_words_do_not_match_by_containment(self) -> None:
        """A tool word under three letters is not found inside a longer query word."""
        factory = ToolFactory()
        register(factory, "io_tool", "Reads io.")
        assert InMemoryToolCatalog(factory).search(query="radio") == []

    def test_filler_words_are_ignored_next_to_real_ones(self, factory: ToolFactory) -> None:
        """'a tool to send an email' searches for send and email."""
        catalog = InMemoryToolCatalog(factory)
        assert names(catalog.search(query="a tool to send an email"))[0] == "send_email"


class TestRanking:
    def test_exact_name_first_then_name_words_then_tags_then_description(self) -> None:
        """The documented order of the fields, whatever the registration order."""
        factory = ToolFactory()
        register(factory, "notes_reader", "Reads invoice notes.")  # description
        register(factory, "ledger", "Keeps books.", tags=["invoice"])  # tag
        register(factory, "invoice_pdf", "Renders a document.")  # name word
        register(factory, "invoice", "The main one.")  # exact name
        ranked = names(InMemoryToolCatalog(factory).search(query="invoice"))
        assert ranked == ["invoice", "invoice_pdf", "ledger", "notes_reader"]

    def test_exact_word_beats_containment(self) -> None:
        """'email' ranks a tool named with the word above one whose word merely contains it."""
        factory = ToolFactory()
        register(factory, "emailer_config", "Configure the emailer.")
        register(factory, "email_send", "Send it.")
        assert names(InMemoryToolCatalog(factory).search(query="email"))[0] == "email_send"

    def test_shorter_name_wins_a_tie(self, factory: ToolFactory) -> None:
        """'send email' puts send_email above send_email_template."""
        ranked = names(InMemoryToolCatalog(factory).search(query="send email"))
        assert ranked == ["send_email", "send_email_template"]

    def test_limit_and_offset_page_through_the_ranking(self, factory: ToolFactory) -> None:
        """Pages are consecutive slices of one ranking; count gives the total."""
        catalog = InMemoryToolCatalog(factory)
        everything = names(catalog.search(query="send", limit=100))
        assert len(everything) == catalog.count(query="send") == 3
        pages = names(catalog.search(query="send", limit=2)) + names(
            catalog.search(query="send", limit=2, offset=2)
        )
        assert pages == everything
        assert catalog.search(query="send", offset=10) == []


class TestFilters:
    def test_category(self, factory: ToolFactory) -> None:
        catalog = InMemoryToolCatalog(factory)
        assert names(catalog.search(category="crm")) == [
            "search_crm",
            "get_contact",
            "update_contact",
        ]
        assert catalog.search(category="nope") == []

    def test_tags_match_by_intersection(self, factory: ToolFactory) -> None:
        """Any shared tag matches; more shared tags rank higher."""
        catalog = InMemoryToolCatalog(factory)
        found = names(catalog.search(tags=["search", "customer"]))
        assert found[0] == "search_crm"
        assert set(found) == {"search_crm", "get_contact", "update_contact"}

    def test_group_is_hierarchical(self, factory: ToolFactory) -> None:
        """'crm' covers crm.contacts; 'crm.con' is not a group; ungrouped tools never match."""
        catalog = InMemoryToolCatalog(factory)
        assert set(names(catalog.search(group="crm"))) == {
            "search_crm",
            "get_contact",
            "update_contact",
        }
        assert names(catalog.search(group="crm.contacts")) == ["get_contact", "update_contact"]
        assert catalog.search(group="crm.con") == []
        assert "weather_now" not in names(catalog.search(group="data", limit=100))

    def test_combined_filters(self, factory: ToolFactory) -> None:
        catalog = InMemoryToolCatalog(factory)
        found = catalog.search(query="address", category="crm", group="crm.contacts", limit=5)
        assert names(found) == ["update_contact"]

    def test_list_categories_and_groups(self, factory: ToolFactory) -> None:
        """Sorted, unique, without None."""
        catalog = InMemoryToolCatalog(factory)
        assert catalog.list_categories() == ["communication", "crm", "data", "sales", "security"]
        assert catalog.list_groups() == [
            "communication.email",
            "communication.sms",
            "crm.contacts",
            "crm.search",
            "sales.pipeline",
            "security.secrets",
            "support.escalation",
        ]


class TestMetadata:
    def test_add_metadata_overrides_and_reindexes(self, factory: ToolFactory) -> None:
        catalog = InMemoryToolCatalog(factory)
        catalog.add_metadata("weather_now", category="custom", tags=["new"], group="custom.tools")
        entry = catalog.get_entry("weather_now")
        assert entry is not None
        assert (entry.category, entry.tags, entry.group) == ("custom", ["new"], "custom.tools")
        assert names(catalog.search(query="new")) == ["weather_now"]
        assert catalog.search(query="weather", tags=["api"]) == []
        assert "data" not in catalog.list_categories()

    def test_add_metadata_changes_only_given_fields(self, factory: ToolFactory) -> None:
        catalog = InMemoryToolCatalog(factory)
        catalog.add_metadata("get_secret", group="security.vault")
        entry = catalog.get_entry("get_secret")
        assert entry is not None
        assert (entry.category, entry.tags, entry.group) == (
            "security",
            ["vault"],
            "security.vault",
        )

    def test_add_metadata_creates_a_missing_entry(self) -> None:
        catalog = InMemoryToolCatalog(ToolFactory())
        catalog.add_metadata("remote_tool", category="remote", tags=["x"])
        assert names(catalog.list_all()) == ["remote_tool"]
        assert names(catalog.search(category="remote")) == ["remote_tool"]

    def test_follows_tools_registered_later(self, factory: ToolFactory) -> None:
        """A tool registered after the catalog was built is found, overrides kept."""
        catalog = InMemoryToolCatalog(factory)
        catalog.add_metadata("translate_text", group="language")
        register(factory, "translate_text", "Translate text between languages.", "language")
        entry = catalog.get_entry("translate_text")
        assert entry is not None and entry.description.startswith("Translate")
        assert entry.group == "language"
        assert names(catalog.search(query="languages")) == ["translate_text"]

    def test_refresh_rereads_registrations(self, factory: ToolFactory) -> None:
        catalog = InMemoryToolCatalog(factory)
        catalog.add_metadata("send_sms", category="messaging")
        register(factory, "send_sms", "Send an SMS text.", "communication", ["sms"], "sms.out")
        catalog.refresh()
        entry = catalog.get_entry("send_sms")
        assert entry is not None
        assert (entry.description, entry.category, entry.group) == (
            "Send an SMS text.",
            "messaging",
            "sms.out",
        )


class ListCatalog(ToolCatalog):
    """A minimal third-party catalog: the interface's defaults do the rest."""

    def __init__(self, entries: list[ToolCatalogEntry]) -> None:
        self.entries = entries

    def search(self, query=None, category=None, tags=None, group=None, limit=10, offset=0):  # type: ignore[no-untyped-def]
        found = [
            e
            for e in self.entries
            if (category is None or e.category == category)
            and (group is None or (e.group or "").startswith(group))
        ]
        return found[offset : offset + limit]

    def get_entry(self, name: str) -> ToolCatalogEntry | None:
        return next((e for e in self.entries if e.name == name), None)

    def list_all(self) -> list[ToolCatalogEntry]:
        return list(self.entries)

    def add_metadata(self, name, category=None, tags=None, group=None) -> None:  # type: ignore[no-untyped-def]
        self.entries.append(ToolCatalogEntry(name, category=category, group=group))


def test_a_custom_catalog_gets_the_interface_defaults() -> None:
    """count, list_categories, list_groups and group_members come from the ABC."""
    catalog = ListCatalog(
        [
            ToolCatalogEntry("a", category="x", group="g.one"),
            ToolCatalogEntry("b", category="y", group="g.two"),
            ToolCatalogEntry("c", category="x"),
        ]
    )
    assert catalog.count(category="x") == 2
    assert catalog.list_categories() == ["x", "y"]
    assert catalog.list_groups() == ["g.one", "g.two"]
    assert catalog.group_members("g") == ["a", "b"]


def reference_matches(entry: ToolCatalogEntry, query: str) -> bool:
    """The documented keyword rule, by brute force over the entry's words."""
    words = (
        text_words(entry.name) | text_words(entry.description) | text_words(" ".join(entry.tags))
    )
    return all(
        any(
            q == w
            or q in w
            or (len(w) >= 3 and w not in STOP_WORDS and w in q)
            or stem(q) == stem(w)
            for w in words
        )
        for q in query_words(query)
    )


WORD = st.text(alphabet="abcde", min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(
    tools=st.lists(
        st.tuples(st.lists(WORD, min_size=1, max_size=3), st.lists(WORD, max_size=4)),
        min_size=1,
        max_size=25,
    ),
    queries=st.lists(st.lists(WORD, min_size=1, max_size=3), min_size=1, max_size=5),
)
def test_the_index_finds_exactly_what_a_scan_finds(
    tools: list[tuple[list[str], list[str]]], queries: list[list[str]]
) -> None:
    """Property: for any catalog and query, index matches == brute-force matches."""
    factory = ToolFactory()
    for n, (name_words, description) in enumerate(tools):
        register(factory, "_".join(name_words) + f"_{n}", " ".join(description))
    catalog = InMemoryToolCatalog(factory)
    for query_parts in queries:
        query = " ".join(query_parts)
        expected = {e.name for e in catalog.list_all() if reference_matches(e, query)}
        assert set(names(catalog.search(query=query, limit=1000))) == expected
        assert catalog.count(query=query) == len(expected)


def test_build_factory_is_stable() -> None:
    """The shared toolbox is what the tests above assume (ten tools, one ungrouped)."""
    catalog = InMemoryToolCatalog(build_factory())
    assert len(catalog.list_all()) == 10
    assert [e.name for e in catalog.list_all() if e.group is None] == ["weather_now"]


def test_from_entries_needs_no_factory() -> None:
    """Entries from elsewhere (an MCP server, a database) are indexed the same way."""
    entries = [
        ToolCatalogEntry("mcp_fetch_page", "Fetch a web page.", {}, "web", ["http"], "mcp.web"),
        ToolCatalogEntry("mcp_list_repos", "List git repositories.", {}, "code", [], "mcp.git"),
    ]
    catalog = InMemoryToolCatalog.from_entries(entries)
    catalog.refresh()  # nothing to re-read: the entries stay
    assert names(catalog.search(query="pages")) == ["mcp_fetch_page"]
    assert names(catalog.search(group="mcp")) == ["mcp_fetch_page", "mcp_list_repos"]
    entries[0].tags.append("mutated")
    assert catalog.search(tags=["mutated"]) == []  # the catalog keeps its own copies
