"""What the KB search hands out: articles and hits, plain values any thread can keep."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agent_app.core.interchange import InterchangeError, check_year, parse_time, shown

# Column sizes of kb_articles (storage/schema.py): longer values are refused, not cut.
MAX_ID = 40
MAX_TITLE = 200
MAX_LABEL = 80


@dataclass(frozen=True)
class KbArticle:
    id: str
    title: str
    body: str
    category: str | None = None
    unit: str | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KbArticle:
        """An article in the interchange form of DESIGN.md §7; InterchangeError says what is
        wrong in words an importing operator can act on."""
        if not isinstance(data, Mapping):
            raise InterchangeError("an article must be a JSON object")
        article_id = _text(data, "id", MAX_ID, required=True)
        title = _text(data, "title", MAX_TITLE, required=True)
        body = data.get("body")
        if not isinstance(body, str):
            raise InterchangeError("body must be text")
        updated = data.get("updated_at")
        if updated is not None and not isinstance(updated, str | datetime):
            raise InterchangeError("updated_at must be an ISO time")
        try:
            moment = parse_time(updated) if isinstance(updated, str) else updated
        except ValueError as exc:
            raise InterchangeError(f"updated_at: {shown(str(exc), 200)}") from exc
        if moment is not None and moment.tzinfo is None:
            raise InterchangeError("updated_at needs a UTC offset")
        if moment is not None:
            check_year(moment, "updated_at")  # the year 1 was stored, then could not be read
        return cls(id=article_id or "", title=title or "", body=body,
                   category=_text(data, "category", MAX_LABEL),
                   unit=_text(data, "unit", MAX_LABEL), updated_at=moment)


def _text(data: Mapping[str, Any], key: str, limit: int, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise InterchangeError(f"{key} is missing")
        return None
    if not isinstance(value, str):
        raise InterchangeError(f"{key} must be text")
    if required and not value.strip():
        raise InterchangeError(f"{key} is blank")
    if len(value) > limit:
        raise InterchangeError(f"{key} is longer than {limit} characters")
    return value


@dataclass(frozen=True)
class KbHit:
    """One search result, best first in the list the searcher returns."""

    id: str
    title: str
    score: float
    snippet: str  # plain text excerpt of the body
    highlights: tuple[tuple[int, int], ...]  # (start, end) spans of `snippet` to emphasise
    unit: str | None
    category: str | None
    updated_at: datetime | None
    learned: bool = False  # lifted by what operators used after similar queries
