"""Turning text into the tokens the full-text index stores (DESIGN.md §6).

SQLite's own tokenizers do not segment Chinese, so the token string is made here and FTS5
only splits it on spaces: every Han run gives its bigrams plus its last character (a one-
character query then finds every occurrence through the prefix `税*`), ASCII words stay
whole. The same functions cut queries, so a query and an article always agree on tokens.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# CJK unified ideographs, extension A and the compatibility block: what 12345 texts use.
HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SEGMENT_RE = re.compile(f"([{HAN_CLASS}]+)|([a-z0-9]+)")
HAN_RE = re.compile(f"[{HAN_CLASS}]")


def _fold_table() -> dict[int, str]:
    """Characters whose NFKC form is one other character: full-width letters, digits and
    punctuation, the ideographic space, compatibility ideographs, circled digits; and A–Z."""
    table: dict[int, str] = {}
    for first, last in ((0x2460, 0x24FF), (0x3000, 0x3000), (0xF900, 0xFAFF),
                        (0xFF01, 0xFF5E)):
        for code in range(first, last + 1):
            folded = unicodedata.normalize("NFKC", chr(code)).lower()
            if len(folded) == 1 and folded != chr(code):
                table[code] = folded
    table.update((code, chr(code + 32)) for code in range(ord("A"), ord("Z") + 1))
    return table


_FOLD = _fold_table()


_NEEDS_FOLD = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_FOLD)) + "]")


def fold(text: str) -> str:
    """Full-width to half-width and lower case, one character for one character, so that
    positions found in the folded text are positions in the original (snippet highlights)."""
    # Most text has nothing to fold, and a regex scan is far cheaper than translate().
    return text.translate(_FOLD) if _NEEDS_FOLD.search(text) else text


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
    tokens = list(map(operator.add, run, run[1:]))
    tokens.append(run[-1])
    return tokens


def index_tokens(text: str) -> str:
    """The space-separated token string FTS5 stores for a title or a body."""
    parts: list[str] = []
    for han, word in _SEGMENT_RE.findall(fold(text)):
        if han:
            parts.extend(han_tokens(han))
        else:
            parts.append(word)
    return " ".join(parts)
