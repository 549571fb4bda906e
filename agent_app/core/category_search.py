"""Type-to-filter over the two-level category catalogue: by name (噪音), by code (0103), by
pinyin initials (zyrm) or spelling (zaoyin) → 城市管理 › 噪音扰民. Operators type whatever their
hands remember.

Pinyin is computed once when the index is built (pypinyin takes a quarter of a second to load,
so the form builds the index off the GUI thread); matching is plain string work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from agent_app.core.catalogue import Catalogue
from agent_app.core.models import CategoryPath


@dataclass(frozen=True)
class CategoryEntry:
    path: CategoryPath
    code: str  # the subcategory's code, e.g. "0103"
    initials: str  # pinyin initials of both levels' names, e.g. "csglzyrm"
    spelling: str  # full pinyin of the subcategory name, e.g. "zaoyinraomin"

    @property
    def label(self) -> str:
        return f"{self.path.level1} › {self.path.level2}"


def _pinyin_functions() -> tuple[Callable[[str], str], Callable[[str], str]]:
    from pypinyin import Style, lazy_pinyin

    def initials(text: str) -> str:
        return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()

    def spelling(text: str) -> str:
        return "".join(lazy_pinyin(text)).lower()

    return initials, spelling


class CategoryIndex:
    def __init__(self, entries: Sequence[CategoryEntry]) -> None:
        self.entries = list(entries)

    @classmethod
    def build(cls, catalogue: Catalogue, *, with_pinyin: bool = True) -> CategoryIndex:
        initials, spelling = _pinyin_functions() if with_pinyin else (_none, _none)
        entries = []
        for top in catalogue.top_categories():
            for sub in catalogue.subcategories(top.code):
                entries.append(CategoryEntry(
                    CategoryPath(top.name, sub.name), sub.code,
                    initials(top.name) + initials(sub.name), spelling(sub.name)))
        return cls(entries)

    def search(self, text: str, limit: int = 50) -> list[CategoryEntry]:
        """Best first: code prefix, then name, then pinyin; an empty query lists everything."""
        query = "".join(text.split()).lower()
        if not query:
            return self.entries[:limit]
        scored: list[tuple[int, int, CategoryEntry]] = []
        for order, entry in enumerate(self.entries):
            rank = _rank(entry, query)
            if rank is not None:
                scored.append((rank, order, entry))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [entry for _, _, entry in scored[:limit]]


def pinyin_keys(names: Iterable[str]) -> dict[str, str]:
    """For each name, what else an operator may type to find it in a picker: its pinyin
    initials and spelling (新华区 → "xhq xinhuaqu"). Built off the GUI thread, like the index."""
    initials, spelling = _pinyin_functions()
    return {name: f"{initials(name)} {spelling(name)}" for name in set(names)}


def catalogue_names(catalogue: Catalogue) -> list[str]:
    """Every district, street, community and unit name of the catalogue."""
    names: list[str] = [unit.name for unit in catalogue.units]
    pending = list(catalogue.locations)
    while pending:
        node = pending.pop()
        names.append(node.name)
        pending.extend(node.children)
    return names


def _rank(entry: CategoryEntry, query: str) -> int | None:
    level1, level2 = entry.path.level1, entry.path.level2
    # One initial per Han character, so the subcategory's are the last len(level2) letters.
    sub_initials = entry.initials[-len(level2):]
    checks = (
        entry.code.startswith(query),
        level2.startswith(query),
        query in level2,
        query in level1 + level2,
        sub_initials.startswith(query),
        entry.spelling.startswith(query),
        query in entry.initials,
        query in entry.spelling,
        # Shorthands skip characters: 医保 → 医疗保险, 社保 → 社会保险.
        _is_subsequence(query, level2),
        _is_subsequence(query, level1 + level2),
    )
    return next((rank for rank, hit in enumerate(checks) if hit), None)


def _is_subsequence(query: str, text: str) -> bool:
    remaining = iter(text)
    return all(ch in remaining for ch in query)


def _none(_text: str) -> str:
    return ""
