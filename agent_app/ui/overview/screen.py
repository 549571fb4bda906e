"""Overview 概览: the start of a shift for an operator or a team lead. What today brought
(calls registered, answered directly), what is mine and still open, what is due within two
hours or overdue, returns, extension requests and callbacks waiting, and changes not sent yet;
each figure opens the queue on exactly those tickets (a click, or Alt+1…Alt+9).

The figures are the queue's own saved views, counted where the queue reads the cache, so the
number on a card is the number of rows the queue then shows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QGridLayout, QPushButton, QVBoxLayout, QWidget

from agent_app.core.queue import VIEW_TITLES, SavedView
from agent_app.storage.ops import Overview, load_overview
from agent_app.tasks import Changes, TaskRunner, Topic
from agent_app.ui.widgets import plain_label

# The cards, in the order of a shift's first look; the hotline lead's four come last.
CARDS: tuple[SavedView, ...] = (
    SavedView.TODAY, SavedView.ANSWERED_TODAY, SavedView.MINE_OPEN, SavedView.DUE_SOON,
    SavedView.OVERDUE, SavedView.RETURNED, SavedView.EXTENSIONS,
    SavedView.AWAITING_CALLBACK, SavedView.UNSENT,
)
# Cards that want attention when they are not zero.
URGENT = frozenset({SavedView.DUE_SOON, SavedView.OVERDUE, SavedView.RETURNED,
                    SavedView.EXTENSIONS, SavedView.UNSENT})


class OverviewScreen(QWidget):
    # SYNC: time moved on since the last figures (what is overdue now).
    REFRESH_ON = (Topic.TICKETS, Topic.OUTBOX, Topic.DRAFTS, Topic.KB, Topic.SYNC)
    view_requested = Signal(object)  # the SavedView to open the queue on
    counts_wanted = Signal()  # the screen is on show: the queue should read the cache

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.overview: Overview | None = None
        self.counts: dict[SavedView, int] = {}
        self.heading = plain_label(self.tr("Start of shift"))
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.hint = plain_label(self.tr("Each figure opens the ticket queue on those tickets "
                                        "(click, or Alt+number)."))
        self.hint.setStyleSheet("color: #7f8c8d;")

        self.cards: dict[SavedView, QPushButton] = {}
        grid = QGridLayout()
        for n, view in enumerate(CARDS):
            card = QPushButton()
            card.setObjectName(f"card_{view.value}")
            card.setMinimumHeight(72)
            card.clicked.connect(lambda _checked=False, v=view: self.view_requested.emit(v))
            grid.addWidget(card, n // 3, n % 3)
            self.cards[view] = card
            shortcut = QShortcut(QKeySequence(f"Alt+{n + 1}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda v=view: self.view_requested.emit(v))
        self.cache_label = plain_label()
        self.cache_label.setObjectName("cache_figures")
        self.cache_label.setStyleSheet("color: #7f8c8d;")

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)
        layout.addLayout(grid)
        layout.addWidget(self.cache_label)
        layout.addStretch(1)
        tasks.changes.connect(self._on_changes)
        self._show_cards()
        self.refresh()

    def shortcut_help(self) -> list[tuple[str, str]]:
        return [(f"Alt+{n + 1}", QCoreApplication.translate("SavedView", VIEW_TITLES[view]))
                for n, view in enumerate(CARDS)]

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.counts_wanted.emit()
        self.refresh()

    def refresh(self) -> None:
        self._tasks.run_db(lambda db: load_overview(db, datetime.now(UTC)), on_done=self._show)

    def _on_changes(self, changes: Changes) -> None:
        if changes.topics == {Topic.DRAFTS} and not self.isVisible():
            return  # the form's autosave (each second of typing): refreshed when shown
        if changes.touches(*self.REFRESH_ON):
            self.refresh()
            if self.isVisible():
                self.counts_wanted.emit()

    def set_counts(self, counts: dict[SavedView, int]) -> None:
        self.counts = dict(counts)
        self._show_cards()

    def _show_cards(self) -> None:
        for n, (view, card) in enumerate(self.cards.items()):
            count: Any = self.counts.get(view, "…")
            title = QCoreApplication.translate("SavedView", VIEW_TITLES[view])
            card.setText(f"{count}\n{title} (Alt+{n + 1})")
            urgent = view in URGENT and isinstance(count, int) and count > 0
            card.setStyleSheet("QPushButton { font-size: 15px; %s }"
                               % ("color: #c0392b; font-weight: bold;" if urgent else ""))

    def _show(self, overview: Overview) -> None:
        self.overview = overview
        self.cache_label.setText(
            self.tr("This computer holds %1 tickets, %2 drafts and %3 KB articles.")
            .replace("%1", str(overview.tickets)).replace("%2", str(overview.drafts))
            .replace("%3", str(overview.kb_articles)))
