"""Tool catalogs: searchable metadata about every tool an agent could load.

``ToolCatalog`` is the interface the meta-tools talk to, so a Redis- or database-backed catalog
can replace the in-memory one. ``InMemoryToolCatalog`` is built from a ``ToolFactory``'s
registration metadata (category, tags, group) and answers searches from an inverted index
(``catalog_index.py``), ranked, so it stays fast and useful with 100,000 tools.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .catalog_index import CatalogIndex, SearchFilters

if TYPE_CHECKING:
    from .tool_factory import ToolFactory

_ALL = 2**31
"""A limit large enough to mean "every match"."""


@dataclass(slots=True)
class ToolCatalogEntry:
    """What the catalog knows about one tool.

    Entries returned by a catalog are its own: change them with ``add_metadata``, not in place.
    """

    name: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    group: str | None = None

    def summary(self) -> dict[str, Any]:
        """The entry as plain data, without the parameter schema (for browse results)."""
        return {
            "name": self.name,
            "description": self.description,
            "category": self.category,
            "tags": list(self.tags),
            "group": self.group,
        }


class ToolCatalog(ABC):
    """Searchable tool metadata; subclass it to keep the catalog in Redis or a database."""

    @abstractmethod
    def search(
        self,
        query: str | None = None,
        category: str | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> list[ToolCatalogEntry]:
        """Entries matching every given filter, best first.

        Args:
            query: Keywords; every word must match the name, description or tags.
            category: Exact category, case-insensitive.
            tags: Entries sharing at least one of these tags.
            group: A group and its subgroups: ``"crm"`` matches ``"crm"`` and ``"crm.contacts"``.
            limit: At most this many entries.
            offset: Skip this many (for pagination).
        """

    @abstractmethod
    def get_entry(self, name: str) -> ToolCatalogEntry | None:
        """The entry named ``name``, or None."""

    @abstractmethod
    def list_all(self) -> list[ToolCatalogEntry]:
        """Every entry."""

    @abstractmethod
    def add_metadata(
        self,
        name: str,
        category: str | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
    ) -> None:
        """Override an entry's metadata (only the fields given); creates a missing entry."""

    def count(
        self,
        query: str | None = None,
        category: str | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
    ) -> int:
        """How many entries ``search`` would find without a limit."""
        return len(self.search(query, category, tags, group, limit=_ALL))

    def list_categories(self) -> list[str]:
        """Every category in use, sorted."""
        return sorted({e.category for e in self.list_all() if e.category is not None})

    def list_groups(self) -> list[str]:
        """Every group in use, sorted."""
        return sorted({e.group for e in self.list_all() if e.group is not None})

    def group_members(self, group: str) -> list[str]:
        """Names of the tools in ``group`` and its subgroups."""
        return [entry.name for entry in self.search(group=group, limit=_ALL)]


class InMemoryToolCatalog(ToolCatalog):
    """A catalog of a factory's tools, indexed for ranked keyword search.

    It follows the factory: tools registered later are picked up on the next read. Metadata
    set with ``add_metadata`` overrides the registration's and survives ``refresh()``.
    """

    def __init__(self, factory: ToolFactory | None = None) -> None:
        self._factory = factory
        self._index = CatalogIndex()
        self._overrides: dict[str, dict[str, Any]] = {}
        self._registered: set[str] = set()
        self._sync()

    @classmethod
    def from_entries(cls, entries: Iterable[ToolCatalogEntry]) -> InMemoryToolCatalog:
        """A catalog of entries from elsewhere (an MCP server's tools, a database), no factory."""
        catalog = cls()
        for entry in entries:
            catalog._index.put(replace(entry, tags=list(entry.tags)))
        return catalog

    def refresh(self) -> None:
        """Re-read every registration (after tools were re-registered with new metadata)."""
        self._registered = set()
        self._sync()

    def search(
        self,
        query: str | None = None,
        category: str | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> list[ToolCatalogEntry]:
        self._sync()
        filters = SearchFilters.of(query, category, tags, group)
        return self._index.search(filters, limit=max(0, limit), offset=max(0, offset))

    def count(
        self,
        query: str | None = None,
        category: str | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
    ) -> int:
        self._sync()
        return self._index.count(SearchFilters.of(query, category, tags, group))

    def get_entry(self, name: str) -> ToolCatalogEntry | None:
        self._sync()
        return self._index.get(name)

    def list_all(self) -> list[ToolCatalogEntry]:
        self._sync()
        return self._index.entries()

    def list_categories(self) -> list[str]:
        self._sync()
        return self._index.categories()

    def list_groups(self) -> list[str]:
        self._sync()
        return self._index.groups()

    def add_metadata(
        self,
        name: str,
        category: str | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
    ) -> None:
        given = {"category": category, "tags": None if tags is None else list(tags), "group": group}
        self._overrides.setdefault(name, {}).update(
            {key: value for key, value in given.items() if value is not None}
        )
        self._sync()
        current = self._index.get(name)
        entry = ToolCatalogEntry(name=name) if current is None else replace(current)
        self._index.put(self._apply_overrides(entry))

    def _sync(self) -> None:
        """Index the tools registered since the last read (cheap when there are none)."""
        factory = self._factory
        if factory is None or len(factory.registrations) == len(self._registered):
            return
        for name, registration in list(factory.registrations.items()):
            if name not in self._registered:
                self._index.put(self._apply_overrides(_entry_of(registration)))
                self._registered.add(name)

    def _apply_overrides(self, entry: ToolCatalogEntry) -> ToolCatalogEntry:
        for key, value in self._overrides.get(entry.name, {}).items():
            setattr(entry, key, list(value) if key == "tags" else value)
        return entry


def _entry_of(registration: Any) -> ToolCatalogEntry:
    return ToolCatalogEntry(
        name=registration.name,
        description=registration.description or "",
        parameters=registration.parameters or {},
        category=registration.category,
        tags=list(registration.tags or ()),
        group=registration.group,
    )
