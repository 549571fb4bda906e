"""Search hits as a thin list model, and how an article's facts (unit, category, date, stale)
read in every KB view."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from agent_app.core.calendar import CHINA_TZ
from agent_app.search import KbHit
from agent_app.ui.widgets import plain_tooltip

_Index = QModelIndex | QPersistentModelIndex

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
STALE_ROLE = Qt.ItemDataRole.UserRole + 2
META_ROLE = Qt.ItemDataRole.UserRole + 3



def is_stale(updated_at: datetime | None, now: datetime, max_age: timedelta) -> bool:
    """Older than the configured age: the answer may no longer hold. An undated article is
    not called stale; its date shows as unknown instead."""
    return updated_at is not None and now - updated_at > max_age


def article_facts(unit: str | None, category: str | None, updated_at: datetime | None) -> str:
    """`unit · category · updated 2025-03-15`; the date as it was in China, where the
    articles are written and read."""
    updated = (QCoreApplication.translate("KbArticleFacts", "updated %1")
               .replace("%1", updated_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d"))
               if updated_at
               else QCoreApplication.translate("KbArticleFacts", "date unknown"))
    unit_text = unit or QCoreApplication.translate("KbArticleFacts", "no unit")
    return " · ".join(part for part in (unit_text, category or "", updated) if part)


def learned_label() -> str:
    """A hit lifted because operators used it after questions like this one."""
    return QCoreApplication.translate("KbArticleFacts", "often used for similar questions")


def hit_facts(hit: KbHit) -> str:
    facts = article_facts(hit.unit, hit.category, hit.updated_at)
    return f"{learned_label()} · {facts}" if hit.learned else facts


def stale_label() -> str:
    return QCoreApplication.translate("KbArticleFacts", "may be out of date")


class KbResultsModel(QAbstractListModel):
    def __init__(self, max_age: timedelta, now: Callable[[], datetime],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[KbHit] = []
        self._max_age = max_age
        self._now = now

    def set_hits(self, hits: Sequence[KbHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> KbHit:
        return self._hits[row]

    def row_of(self, article_id: str) -> int | None:
        return next((n for n, hit in enumerate(self._hits) if hit.id == article_id), None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.title
        if role == HIT_ROLE:
            return hit
        if role == STALE_ROLE:
            return is_stale(hit.updated_at, self._now(), self._max_age)
        if role == META_ROLE:
            return hit_facts(hit)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            text = f"{hit.title}\n{hit_facts(hit)}"
            # Titles and units are data: a tooltip would render their markup.
            return plain_tooltip(text) if role == Qt.ItemDataRole.ToolTipRole else text
        return None
