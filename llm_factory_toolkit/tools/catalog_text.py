"""How catalog text becomes words, and how well a query word matches a tool's word.

The rules keep the original catalog's keyword semantics: case-insensitive, words split on
anything that is not a letter or digit (``_``, ``-``, ``.``, spaces), a query word matching a
longer word that contains it ("mail" finds "email") and, for tool words of 3+ letters, a query
word containing the tool word ("secrets" finds "secret"). Three refinements: a light suffix
stemmer adds matches ("invoicing" finds "invoice"); filler words ("a", "to", "tools") are
dropped from a query that has other words, since nearly every tool matches them by
containment anyway; and a filler word in a tool's text is not found inside a query word
(without this, every tool saying "for" matched "forecast").
"""

from __future__ import annotations

import re

_RUN = re.compile(r"[^\W_]+")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "s", "e", "y")
STOP_WORDS = frozenset(
    {
        *("a", "an", "the", "to", "for", "of", "and", "or", "in", "on", "with", "by", "from"),
        *("into", "at", "as", "is", "are", "be", "it", "its", "my", "me", "i"),
        *("want", "need", "please", "tool", "tools"),
    }
)
MIN_CONTAINED = 3
"""A tool word must have this many letters to match a query word that contains it."""

EXACT, STEM = 1.0, 0.8


def text_words(text: str) -> set[str]:
    """The words of tool text: whole letter/digit runs, lower-cased, plus their camelCase parts."""
    found: set[str] = set()
    for run in _RUN.findall(text):
        found.add(run.lower())
        parts = _CAMEL.findall(run)
        if len(parts) > 1:
            found.update(part.lower() for part in parts)
    return found


def name_key(text: str) -> str:
    """A name or query reduced to its words joined by ``_``: equal keys mean an exact name match."""
    return "_".join(run.lower() for run in _RUN.findall(text))


def query_words(query: str) -> list[str]:
    """The words every match must contain, in order, without duplicates or filler words."""
    words = list(dict.fromkeys(run.lower() for run in _RUN.findall(query)))
    kept = [word for word in words if word not in STOP_WORDS]
    return kept or words


def stem(word: str) -> str:
    """The word without one common English suffix, if at least three letters remain."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_CONTAINED:
            return word[: -len(suffix)]
    return word


def partial_quality(short: str, long: str, *, tool_word_inside: bool = False) -> float:
    """How good a containment match is: closer lengths and a shared start score higher.

    A tool word found inside the query word away from its start ("move" in "remove") is
    rarely the same word inflected, so it scores lowest.
    """
    ratio = len(short) / len(long)
    if long.startswith(short):
        return 0.4 + 0.4 * ratio
    return 0.15 if tool_word_inside else 0.1 + 0.5 * ratio


def trigrams(word: str) -> set[str]:
    """The three-letter slices of ``word`` (the key of the substring index)."""
    return {word[i : i + 3] for i in range(len(word) - 2)}


def inner_words(word: str) -> set[str]:
    """Every slice of ``word`` of at least ``MIN_CONTAINED`` letters, shorter than the word."""
    size = len(word)
    return {
        word[start : start + length]
        for length in range(MIN_CONTAINED, size)
        for start in range(size - length + 1)
    }
