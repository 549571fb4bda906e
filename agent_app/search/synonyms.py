"""Synonym groups as data (resources/kb/synonyms.txt): 医保 = 医疗保险, 社保卡 = 社会保障卡.

One group per line, words separated by spaces, `#` starts a comment. A query containing one
word of a group also looks for the others; the index itself stays literal, so editing the
file needs no re-index.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from agent_app.paths import resources_dir
from agent_app.search.text import fold

SYNONYMS_FILE = "synonyms.txt"


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

    def words_in(self, run: str) -> list[tuple[str, tuple[str, ...]]]:
        """The synonym words inside `run`, each with its partners."""
        return [(word, self._others[word]) for word in self._words if word in run]


@lru_cache(maxsize=1)
def shipped_synonyms() -> Synonyms:
    path: Path = resources_dir() / "kb" / SYNONYMS_FILE
    if not path.exists():
        return Synonyms([])
    with path.open(encoding="utf-8") as handle:
        return Synonyms.parse(handle)
