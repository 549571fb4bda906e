"""The query's word lists, as data in resources/kb/ (editing them needs no re-index):

- synonyms.txt: one group per line (医保 医疗保险); a query containing one word of a group
  also looks for the others;
- query_fillers.txt: words that carry no content in a spoken question (怎么办, 请问, 吗);
  the query is cut at them, so 社保卡丢了怎么办 looks for 社保卡 and 丢.

The words of both, and those of colloquial.json, are also what typed initials may stand for
(abbreviations.py: `sbk` → 社保卡).

Words are separated by spaces, `#` starts a comment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from agent_app.paths import resources_dir
from agent_app.search.abbreviations import WordInitials
from agent_app.search.colloquial import shipped_colloquial
from agent_app.search.text import fold

SYNONYMS_FILE = "synonyms.txt"
FILLERS_FILE = "query_fillers.txt"


class Synonyms:
    def __init__(self, groups: Iterable[Iterable[str]]) -> None:
        self._others: dict[str, tuple[str, ...]] = {}
        for group in groups:
            words = list(dict.fromkeys(fold(word) for word in group if word.strip()))
            for word in words:
                known = self._others.get(word, ())
                extra = tuple(other for other in words if other != word and other not in known)
                self._others[word] = known + extra
        # Longest words first, so 社会保障卡 is seen before 保障.
        self._words = sorted(self._others, key=len, reverse=True)

    @classmethod
    def parse(cls, lines: Iterable[str]) -> Synonyms:
        return cls(line.split("#", 1)[0].split() for line in lines)

    def variants(self, run: str) -> list[str]:
        """Other ways to write `run`: each synonym found in it swapped for its partners."""
        found: list[str] = []
        taken = [False] * len(run)
        for word in self._words:
            start = run.find(word)
            if start < 0 or any(taken[start:start + len(word)]):
                continue
            for i in range(start, start + len(word)):
                taken[i] = True
            found.extend(run[:start] + other + run[start + len(word):]
                         for other in self._others[word])
        return found

    def words(self) -> list[str]:
        return list(self._words)

    def words_in(self, run: str) -> list[tuple[str, tuple[str, ...]]]:
        """The synonym words inside `run`, each with its partners."""
        return [(word, self._others[word]) for word in self._words if word in run]


class Fillers:
    def __init__(self, words: Iterable[str]) -> None:
        folded = {fold(word) for word in words if word.strip()}
        self._pattern = re.compile("|".join(re.escape(w) for w in sorted(folded, key=len,
                                                                        reverse=True)))
        self._empty = not folded

    def content_chunks(self, run: str) -> list[str]:
        """`社保卡丢了怎么办` → [社保卡, 丢]; a run of fillers only is kept whole."""
        if self._empty:
            return [run]
        chunks = [chunk for chunk in self._pattern.split(run) if chunk]
        return chunks or [run]

    def only_fillers(self, run: str) -> bool:
        """`喂你好`: nothing but fillers (a call's opening)."""
        return not self._empty and not any(self._pattern.split(run))


@dataclass(frozen=True)
class Lexicon:
    synonyms: Synonyms
    fillers: Fillers
    # Words whose pinyin initials an operator may type (abbreviations.py).
    abbreviations: WordInitials = field(default_factory=lambda: WordInitials(()))


def _lines(name: str) -> list[str]:
    path: Path = resources_dir() / "kb" / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [line.split("#", 1)[0] for line in handle]


@lru_cache(maxsize=1)
def shipped_lexicon() -> Lexicon:
    synonyms = Synonyms.parse(_lines(SYNONYMS_FILE))
    known = synonyms.words() + shipped_colloquial().words(shortest_said=3)
    return Lexicon(synonyms,
                   Fillers(word for line in _lines(FILLERS_FILE) for word in line.split()),
                   WordInitials(known))
