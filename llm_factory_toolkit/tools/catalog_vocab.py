"""The catalog's vocabulary: finds every indexed word a query word matches, without a scan.

A trigram index answers "which words contain this query word", slicing the query word answers
"which words does it contain", and a stem index adds inflections. The vocabulary is small
next to the catalog (a few thousand words for 100,000 tools) and expansions are cached until
the vocabulary changes, so a query word costs a few dictionary lookups.
"""

from __future__ import annotations

from .catalog_text import EXACT, STEM, STOP_WORDS, inner_words, partial_quality, stem, trigrams

Expansion = list[tuple[str, float]]
"""Matched vocabulary words with the quality of each match, best first."""

_CACHE_SIZE = 4096


class Vocabulary:
    """The set of indexed words, with the indexes that expand a query word."""

    def __init__(self) -> None:
        self._words: set[str] = set()
        self._grams: dict[str, set[str]] = {}
        self._stems: dict[str, set[str]] = {}
        self._cache: dict[str, Expansion] = {}

    def add(self, word: str) -> None:
        """Make ``word`` findable."""
        if word in self._words:
            return
        self._words.add(word)
        for gram in trigrams(word):
            self._grams.setdefault(gram, set()).add(word)
        self._stems.setdefault(stem(word), set()).add(word)
        self._cache.clear()

    def remove(self, word: str) -> None:
        """Forget ``word`` (no tool uses it any more)."""
        self._words.discard(word)
        for gram in trigrams(word):
            _discard(self._grams, gram, word)
        _discard(self._stems, stem(word), word)
        self._cache.clear()

    def expand(self, query_word: str) -> Expansion:
        """Every indexed word ``query_word`` matches, with the match quality, best first."""
        cached = self._cache.get(query_word)
        if cached is None:
            cached = self._expand(query_word)
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            self._cache[query_word] = cached
        return cached

    def _expand(self, word: str) -> Expansion:
        quality: dict[str, float] = {}
        for longer in self._containing(word):
            quality[longer] = partial_quality(word, longer)
        for shorter in inner_words(word) & self._words - STOP_WORDS:
            inside = partial_quality(shorter, word, tool_word_inside=True)
            quality[shorter] = max(quality.get(shorter, 0.0), inside)
        for inflected in self._stems.get(stem(word), ()):
            quality[inflected] = max(quality.get(inflected, 0.0), STEM)
        if word in self._words:
            quality[word] = EXACT
        return sorted(quality.items(), key=lambda item: -item[1])

    def _containing(self, word: str) -> list[str]:
        """Indexed words longer than ``word`` that contain it."""
        if len(word) < 3:
            return [w for w in self._words if word in w and w != word]
        posting_sets: list[set[str]] = []
        for gram in trigrams(word):
            members = self._grams.get(gram)
            if members is None:
                return []
            posting_sets.append(members)
        posting_sets.sort(key=len)
        found = posting_sets[0].intersection(*posting_sets[1:])
        return [w for w in found if word in w and w != word]


def _discard(index: dict[str, set[str]], key: str, word: str) -> None:
    members = index.get(key)
    if members is not None:
        members.discard(word)
        if not members:
            del index[key]
