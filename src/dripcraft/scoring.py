"""How strongly a piece of text is about a theme: keyword hits, forgiving word endings."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SUFFIXES = ("ing", "ed", "es", "s", "ly")
MIN_STEM = 4


def _stem(word: str) -> str:
    word = word.lower().replace("’", "'")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def _word_pattern(word: str) -> str:
    stem = _stem(word)
    if len(stem) < MIN_STEM:
        # Short words match whole, with a plural: "play" must not match "player's" by accident
        # of a prefix, but "CEU" should match "CEUs".
        return re.escape(stem) + r"(?:s|es)?\b"
    return re.escape(stem) + r"[\w'’]*"


@dataclass(frozen=True)
class Theme:
    """A theme's keywords compiled once; `score` counts their occurrences in a text."""

    name: str
    keywords: tuple[str, ...]

    @property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        return _compile(self.keywords)

    def hits(self, text: str) -> int:
        return sum(len(p.findall(text)) for p in self.patterns)

    def distinct_hits(self, text: str) -> int:
        return sum(1 for p in self.patterns if p.search(text))


_cache: dict[tuple[str, ...], tuple[re.Pattern[str], ...]] = {}


def _compile(keywords: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    if keywords not in _cache:
        compiled = []
        for keyword in keywords:
            words = re.findall(r"[\w'’]+", keyword)
            if words:
                body = r"[\W_]+".join(_word_pattern(w) for w in words)
                compiled.append(re.compile(r"(?<![\w])" + body, re.IGNORECASE))
        _cache[keywords] = tuple(compiled)
    return _cache[keywords]
