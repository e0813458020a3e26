"""The inverted index behind ``InMemoryToolCatalog``: filtered, ranked search without a scan.

Each word of a tool's name, tags and description points at the tools that use it, with a mask
of the fields it appears in; categories, tags and every level of a dotted group point at their
tools too. A search intersects those sets (in C, smallest first), then scores only the tools
left: per query word and field, the best match quality in that field times the field's
weight (name 6, tags 3, description 1), summed, plus a large bonus when the query is the
tool's name. So an exact name ranks above name words, above tags, above description.
Ties go to the tool with the shorter name, then to the one registered first.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .catalog_text import name_key, query_words, text_words
from .catalog_vocab import Vocabulary

if TYPE_CHECKING:
    from .catalog import ToolCatalogEntry

NAME, TAGS, DESCRIPTION = 4, 2, 1
FIELD_WEIGHT = {NAME: 6.0, TAGS: 3.0, DESCRIPTION: 1.0}
EXACT_NAME_BONUS = 100.0
_NONE: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """A search, normalised: query words, the query as a name key, lower-cased filters."""

    words: tuple[str, ...]
    key: str
    category: str | None
    tags: tuple[str, ...]
    group: str | None

    @classmethod
    def of(
        cls,
        query: str | None,
        category: str | None,
        tags: Sequence[str] | None,
        group: str | None,
    ) -> SearchFilters:
        """Empty strings and lists mean "not given", as models often send them."""
        return cls(
            words=tuple(query_words(query or "")),
            key=name_key(query or ""),
            category=category.lower() if category else None,
            tags=tuple(tag.lower() for tag in tags or ()),
            group=group.lower() if group else None,
        )


class CatalogIndex:
    """Entries by name and by id, word postings, facet sets and the vocabulary."""

    def __init__(self) -> None:
        self._entries: list[ToolCatalogEntry | None] = []
        self._ids: dict[str, int] = {}
        self._name_sizes: list[int] = []
        self._postings: dict[str, dict[int, int]] = {}
        self._facets: dict[str, dict[str, set[int]]] = {"category": {}, "tags": {}, "group": {}}
        self._name_keys: dict[str, set[int]] = {}
        self._categories: Counter[str] = Counter()
        self._groups: Counter[str] = Counter()
        self._vocab = Vocabulary()

    def put(self, entry: ToolCatalogEntry) -> None:
        """Add ``entry``, or replace the entry of the same name (keeping its position)."""
        ident = self._ids.get(entry.name)
        if ident is None:
            ident = self._ids[entry.name] = len(self._entries)
            self._entries.append(None)
            self._name_sizes.append(0)
        else:
            self._unindex(ident)
        self._entries[ident] = entry
        self._index(ident, entry)

    def get(self, name: str) -> ToolCatalogEntry | None:
        """The entry named ``name``, or None."""
        ident = self._ids.get(name)
        return None if ident is None else self._entries[ident]

    def entries(self) -> list[ToolCatalogEntry]:
        """Every entry, in the order they were first added."""
        return [entry for entry in self._entries if entry is not None]

    def categories(self) -> list[str]:
        return sorted(self._categories)

    def groups(self) -> list[str]:
        return sorted(self._groups)

    def search(self, filters: SearchFilters, *, limit: int, offset: int) -> list[ToolCatalogEntry]:
        """The entries ranked ``offset`` to ``offset + limit`` for ``filters``."""
        ranked = self._ranked(filters, offset + limit)[offset:]
        return [entry for entry in (self._entries[i] for i in ranked) if entry is not None]

    def count(self, filters: SearchFilters) -> int:
        """How many entries match ``filters``."""
        candidates = self._candidates(filters)
        return len(self._ids) if candidates is None else len(candidates)

    def _index(self, ident: int, entry: ToolCatalogEntry) -> None:
        for word, mask in _terms_of(entry).items():
            posting = self._postings.get(word)
            if posting is None:
                posting = self._postings[word] = {}
                self._vocab.add(word)
            posting[ident] = mask
        for facet, values in _facet_values(entry).items():
            for value in values:
                self._facets[facet].setdefault(value, set()).add(ident)
        self._name_keys.setdefault(name_key(entry.name), set()).add(ident)
        self._name_sizes[ident] = len(name_key(entry.name).split("_"))
        _count(self._categories, entry.category, 1)
        _count(self._groups, entry.group, 1)

    def _unindex(self, ident: int) -> None:
        entry = self._entries[ident]
        if entry is None:
            return
        for word in _terms_of(entry):
            posting = self._postings[word]
            del posting[ident]
            if not posting:
                del self._postings[word]
                self._vocab.remove(word)
        for facet, values in _facet_values(entry).items():
            for value in values:
                self._facets[facet][value].discard(ident)
        self._name_keys[name_key(entry.name)].discard(ident)
        _count(self._categories, entry.category, -1)
        _count(self._groups, entry.group, -1)

    def _candidates(self, filters: SearchFilters) -> set[int] | None:
        """The ids matching every filter and query word; None means every entry."""
        sets = self._facet_sets(filters)
        for word in filters.words:
            matches = self._vocab.expand(word)
            if not matches:
                return set()
            sets.append(set().union(*(self._postings[w].keys() for w, _ in matches)))
        if not sets:
            return None
        sets.sort(key=len)
        return set(sets[0]).intersection(*sets[1:])

    def _facet_sets(self, filters: SearchFilters) -> list[set[int] | frozenset[int]]:
        facets = self._facets
        sets: list[set[int] | frozenset[int]] = []
        if filters.category is not None:
            sets.append(facets["category"].get(filters.category, _NONE))
        if filters.tags:
            sets.append(set().union(*(facets["tags"].get(tag, _NONE) for tag in filters.tags)))
        if filters.group is not None:
            sets.append(facets["group"].get(filters.group, _NONE))
        return sets

    def _ranked(self, filters: SearchFilters, wanted: int) -> list[int]:
        """The best ``wanted`` ids for ``filters``, best first."""
        candidates = self._candidates(filters)
        if candidates is None:
            live = (i for i, entry in enumerate(self._entries) if entry is not None)
            return list(itertools.islice(live, wanted))
        if filters.words:
            scores = self._scores(filters, candidates)
        elif filters.tags:
            scores = self._tag_overlap(filters.tags, candidates)
        else:
            return heapq.nsmallest(wanted, candidates)
        sizes = self._name_sizes
        return heapq.nsmallest(wanted, candidates, key=lambda i: (-scores[i], sizes[i], i))

    def _scores(self, filters: SearchFilters, candidates: set[int]) -> dict[int, float]:
        scores = dict.fromkeys(candidates, 0.0)
        for word in filters.words:
            for field, best in self._best_per_field(word, candidates).items():
                weight = FIELD_WEIGHT[field]
                for ident, quality in best.items():
                    scores[ident] += weight * quality
        for ident in self._name_keys.get(filters.key, ()):
            if ident in scores:
                scores[ident] += EXACT_NAME_BONUS
        return scores

    def _best_per_field(self, word: str, candidates: set[int]) -> dict[int, dict[int, float]]:
        """Per field, each candidate's best match quality for ``word``."""
        best: dict[int, dict[int, float]] = {NAME: {}, TAGS: {}, DESCRIPTION: {}}
        for matched, quality in self._vocab.expand(word):  # best quality first
            for ident, mask in _within(self._postings[matched], candidates):
                for field, found in best.items():
                    if mask & field and ident not in found:
                        found[ident] = quality
        return best

    def _tag_overlap(self, tags: Iterable[str], candidates: set[int]) -> dict[int, float]:
        scores = dict.fromkeys(candidates, 0.0)
        for tag in tags:
            for ident in self._facets["tags"].get(tag, _NONE) & candidates:
                scores[ident] += 1.0
        return scores


def _within(posting: dict[int, int], candidates: set[int]) -> Iterable[tuple[int, int]]:
    """The (id, mask) pairs of ``posting`` whose id is a candidate, walking the smaller side."""
    if len(posting) <= len(candidates):
        return ((i, mask) for i, mask in posting.items() if i in candidates)
    return ((i, posting[i]) for i in candidates if i in posting)


def _terms_of(entry: ToolCatalogEntry) -> dict[str, int]:
    """Each word of the entry with the mask of the fields it appears in."""
    terms: dict[str, int] = {}
    fields = ((entry.name, NAME), (entry.description, DESCRIPTION), (" ".join(entry.tags), TAGS))
    for text, bit in fields:
        for word in text_words(text):
            terms[word] = terms.get(word, 0) | bit
    return terms


def _facet_values(entry: ToolCatalogEntry) -> dict[str, list[str]]:
    """The filter keys the entry is found under; a group under each of its levels."""
    group = (entry.group or "").lower()
    levels = group.split(".") if group else []
    return {
        "category": [entry.category.lower()] if entry.category else [],
        "tags": [tag.lower() for tag in entry.tags],
        "group": [".".join(levels[: n + 1]) for n in range(len(levels))],
    }


def _count(counter: Counter[str], value: str | None, delta: int) -> None:
    if value is None:
        return
    counter[value] += delta
    if counter[value] <= 0:
        del counter[value]
