"""Turning text into the tokens the full-text index stores (DESIGN.md §6).

SQLite's own tokenizers do not segment Chinese, so the token string is made here and FTS5
only splits it on spaces: every Han run gives its bigrams plus its last character (a one-
character query then finds every occurrence through the prefix `税*`), ASCII words stay
whole. The same functions cut queries, so a query and an article always agree on tokens.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

# CJK unified ideographs, extension A and the compatibility block: what 12345 texts use.
HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SEGMENT_RE = re.compile(f"([{HAN_CLASS}]+)|([a-z0-9]+)")
HAN_RE = re.compile(f"[{HAN_CLASS}]")


@lru_cache(maxsize=4096)
def _fold_one(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char).lower()
    return folded if len(folded) == 1 else char.lower()


def fold(text: str) -> str:
    """Full-width to half-width and lower case, one character for one character, so that
    positions found in the folded text are positions in the original (snippet highlights)."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_one(char) for char in text)


@dataclass(frozen=True)
class Segment:
    """A Han run or an ASCII word of folded text, with its place in that text."""

    text: str
    start: int
    is_han: bool


def segments(text: str) -> Iterator[Segment]:
    for match in _SEGMENT_RE.finditer(fold(text)):
        yield Segment(match.group(), match.start(), match.group(1) is not None)


def han_tokens(run: str) -> list[str]:
    """`公积金` → `公积 积金 金`: adjacent bigrams keep word order for phrase queries."""
    bigrams = [run[i:i + 2] for i in range(len(run) - 1)]
    bigrams.append(run[-1])
    return bigrams


def index_tokens(text: str) -> str:
    """The space-separated token string FTS5 stores for a title or a body."""
    parts: list[str] = []
    for segment in segments(text):
        if segment.is_han:
            parts.extend(han_tokens(segment.text))
        else:
            parts.append(segment.text)
    return " ".join(parts)
