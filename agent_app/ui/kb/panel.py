"""The KB panel: search as you type, results with highlighted snippets, the article in a
reader, one key to use it as the answer, and error reports for the owning unit.

An article opened from the results, or given as the answer, is kept with the query on show
(search/learning.py): the search then lifts it for similar queries.

Embedded beside the intake form (which feeds it the call content through `propose_from_text`)
and, laid out side by side, as the full KB screen. Searches run on the DB worker; a result
that arrives after a newer search was started is dropped, so a slow query never overwrites
what matches the current text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QPaintEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.smart_intake.phones import mask_contacts
from agent_app.search import KbArticle, KbHit, KbSearcher
from agent_app.search.learning import record_kb_usage, veto_kb_usage
from agent_app.search.text import fold
from agent_app.settings import load_settings
from agent_app.storage import ops
from agent_app.tasks import Changes, TaskRunner, Topic
from agent_app.ui.failures import failure_text
from agent_app.ui.kb.delegate import KbHitDelegate
from agent_app.ui.kb.model import KbResultsModel, is_stale
from agent_app.ui.kb.reader import ArticleReader
from agent_app.ui.widgets import plain_label

if TYPE_CHECKING:
    from agent_app.storage.database import Database

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 150
RESULT_LIMIT = 20
# What the operator typed last is what the caller is talking about now.
PROPOSAL_CHARS = 60
ANSWER_KEY = "Ctrl+I"


def _now() -> datetime:
    return datetime.now(UTC)


class LazySearcher:
    """The panel's searcher, built on the DB worker by the first job that asks for it: its
    lexicons take 0.3–0.5 s of the interpreter to load, which neither the window's first
    paint nor the panel's construction waits for."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._searcher: KbSearcher | None = None

    def __call__(self) -> KbSearcher:
        if self._searcher is None:
            self._searcher = KbSearcher(self._db)
        return self._searcher

    def warm(self, _db: Database) -> None:
        self()


class KbPanel(QWidget):
    answer_chosen = Signal(str, str)  # article id, the answer text to give the caller

    def __init__(self, tasks: TaskRunner, *,
                 orientation: Qt.Orientation = Qt.Orientation.Vertical,
                 stale_after_days: int | None = None,
                 now: Callable[[], datetime] = _now, can_veto: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._can_veto = can_veto  # a team lead may stop learning lifting an article
        self._now = now
        if stale_after_days is None:
            # The user's settings live in the data folder, beside the local cache.
            stale_after_days = load_settings(tasks.db.path.parent).stale_article_days
        self._max_age = timedelta(days=stale_after_days)
        # Used on the DB worker only; it keeps what it learns about the index between searches.
        self._searcher = LazySearcher(tasks.db)
        self._warmed = False
        self._search_generation = 0
        self._article_generation = 0
        self._proposal = ""
        self._query = ""  # what the results on show were searched for
        self._notice = ""  # said once in the heading instead of the count

        self.search_box = QLineEdit()
        self.search_box.setObjectName("kb_search")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(
            self.tr("Search the KB: words, pinyin or initials (gjj)…"))
        self.heading = plain_label()
        self.heading.setObjectName("kb_heading")
        self.heading.setWordWrap(True)
        self.model = KbResultsModel(self._max_age, now, self)
        self.results = QListView()
        self.results.setObjectName("kb_results")
        self.results.setModel(self.model)
        self.results.setItemDelegate(KbHitDelegate(self.results))
        self.results.setUniformItemSizes(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.reader = ArticleReader()
        self.veto_button = QPushButton(self.tr("Stop lifting this article for this question"))
        self.veto_button.setObjectName("kb_veto")
        self.veto_button.setToolTip(self.tr(
            "Operators often used this article after similar questions, so it is shown "
            "higher. If that is wrong, stop it for this question."))
        self.veto_button.setVisible(False)
        self.veto_button.clicked.connect(self.veto_selected)

        finder = QWidget()
        finder_layout = QVBoxLayout(finder)
        finder_layout.setContentsMargins(0, 0, 0, 0)
        finder_layout.addWidget(self.search_box)
        finder_layout.addWidget(self.heading)
        finder_layout.addWidget(self.results, 1)
        finder_layout.addWidget(self.veto_button)
        self.splitter = QSplitter(orientation)
        self.splitter.addWidget(finder)
        self.splitter.addWidget(self.reader)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.search_now)
        self.search_box.textChanged.connect(self._debounce.start)
        self.search_box.installEventFilter(self)
        self.results.installEventFilter(self)
        self.results.doubleClicked.connect(self._open_index)
        self.results.selectionModel().currentChanged.connect(self._show_veto)
        self.reader.answer_requested.connect(self.insert_answer)
        self.reader.feedback_submitted.connect(self._send_feedback)
        answer = QShortcut(QKeySequence(ANSWER_KEY), self)
        answer.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        answer.activated.connect(self.insert_answer)
        tasks.changes.connect(self._on_changes)
        self._show_heading()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)
        if not self._warmed:
            # Painted: the searcher is built on the DB worker before the first search, once
            # this paint is over (queued: a job started now would share the interpreter
            # with the rest of the window's paint).
            self._warmed = True
            QTimer.singleShot(0, lambda: self._tasks.run_db(self._searcher.warm))

    # What the operator does ------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def reset(self) -> None:
        """A new call: nothing of the last caller's search, article or suggestions stays."""
        self._debounce.stop()
        self._search_generation += 1  # answers still under way are for the last call
        self._article_generation += 1
        self._proposal = self._query = ""
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.model.set_hits([])
        self.reader.close_feedback()
        self.reader.show_article(None)
        self._show_heading()

    def propose_from_text(self, text: str) -> None:
        """Articles for what is being typed into the call's content; the search box, when it
        holds anything, wins over proposals."""
        # The caller's own number and the word before it are no part of what they ask.
        self._proposal = " ".join(mask_contacts(fold(text)).split())[-PROPOSAL_CHARS:]
        if not self.search_box.text().strip():
            self._debounce.start()

    def search_now(self) -> None:
        self._debounce.stop()
        typed = self.search_box.text().strip()
        query = typed or self._proposal
        self._search_generation += 1
        generation = self._search_generation
        if not query:
            self._show_hits(generation, "", [])
            return
        searcher = self._searcher
        self._tasks.run_db(lambda _db: searcher().search(query, limit=RESULT_LIMIT),
                           on_done=lambda hits: self._show_hits(generation, query, hits))

    def open_current(self) -> None:
        index = self.results.currentIndex()
        if not index.isValid() and self.model.rowCount() > 0:
            index = self.model.index(0)
            self.results.setCurrentIndex(index)
        if index.isValid():
            self._open_index(index)

    def insert_answer(self) -> None:
        """The open article, or else the selected one, goes into the form as the answer."""
        selected = self._selected_hit()
        article = self.reader.article
        if article is not None and (selected is None or selected.id == article.id):
            self._learn(article.id, "answer")
            self.answer_chosen.emit(article.id, article.body)
        elif selected is not None:
            self._open(selected.id, then_answer=True)

    def veto_selected(self) -> None:
        """A lead's veto: the selected hit is no longer lifted for the query on show."""
        hit, query = self._selected_hit(), self._query
        if not self._can_veto or hit is None or not hit.learned or not query:
            return
        self._tasks.run_db(lambda db: veto_kb_usage(db, hit.id, query),
                           on_done=lambda _none: self._vetoed())

    def _vetoed(self) -> None:
        # Said in the heading once the results have been searched again without the lift.
        self._notice = self.tr("This article is no longer lifted for this question.")
        self.search_now()

    def _show_veto(self, *_args: object) -> None:
        hit = self._selected_hit()
        self.veto_button.setVisible(self._can_veto and hit is not None and hit.learned)

    def shortcut_help(self) -> list[tuple[str, str]]:
        return [("↓ / Enter", self.tr("KB: from the search to the results, open an article")),
                (ANSWER_KEY, self.tr("KB: use the article as the answer"))]

    # Results ----------------------------------------------------------------------------------
    def _show_hits(self, generation: int, query: str, hits: list[KbHit]) -> None:
        if generation != self._search_generation:
            return  # a newer search is under way; this answer is for text no longer there
        current = self._selected_hit()
        self._query = query
        self.model.set_hits(hits)
        row = self.model.row_of(current.id) if current is not None else None
        if row is None and self.results.hasFocus() and hits:
            row = 0  # the operator is in the list already: keep a row to act on
        if row is not None:
            self.results.setCurrentIndex(self.model.index(row))
        self._show_heading()
        self._show_veto()

    def _show_heading(self) -> None:
        if self._notice:
            self.heading.setText(self._notice)
            self._notice = ""
            return
        count = self.model.rowCount()
        typed = bool(self.search_box.text().strip())
        if not self._query:
            text = self.tr("Type to search the knowledge base, or type the call's content.")
        elif count == 0:
            text = self.tr("No article found for “%1”.").replace("%1", self._query)
        elif typed:
            text = self.tr("%n article(s) found", "", count)
        else:
            text = self.tr("Suggested for what the caller says")
        self.heading.setText(text)

    def _selected_hit(self) -> KbHit | None:
        index = self.results.currentIndex()
        return self.model.hit(index.row()) if index.isValid() else None

    # Reader -----------------------------------------------------------------------------------
    def _open_index(self, index: QModelIndex) -> None:
        self._open(self.model.hit(index.row()).id, focus_reader=True)

    def _open(self, article_id: str, *, then_answer: bool = False,
              focus_reader: bool = False, learn: bool = True) -> None:
        self._article_generation += 1
        generation = self._article_generation
        searcher = self._searcher

        def shown(article: KbArticle | None) -> None:
            if generation != self._article_generation:
                return
            if article is None:
                self.reader.show_removed()
                return
            self.reader.show_article(
                article, stale=is_stale(article.updated_at, self._now(), self._max_age))
            if learn:
                self._learn(article.id, "open")
            if focus_reader:
                self.reader.body.setFocus()
            if then_answer:
                self._learn(article.id, "answer")
                self.answer_chosen.emit(article.id, article.body)

        self._tasks.run_db(lambda _db: searcher().get(article_id), on_done=shown)

    def _learn(self, article_id: str, action: str) -> None:
        """Keep that this article was used after the query on show. Learning is a help, not
        the operator's work: a failure is logged, never shown."""
        query = self._query
        if not query:
            return
        self._tasks.run_db(
            lambda db: record_kb_usage(db, query, article_id, action),
            on_error=lambda exc: log.warning("KB usage not kept: %s", exc))

    def _send_feedback(self, article_id: str, text: str) -> None:
        self._tasks.run_db(lambda db: ops.report_kb_error(db, article_id, text),
                           on_done=lambda _mutation: self.reader.feedback_sent(),
                           on_error=lambda exc: self.reader.feedback_failed(failure_text(exc)))

    def _on_changes(self, changes: Changes) -> None:
        if not changes.touches(Topic.KB):
            return
        self.search_now()
        if self.reader.article is not None:
            self._open(self.reader.article.id, learn=False)  # shown again, not chosen again

    # Keys -------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers()
        if watched is self.search_box:
            if key == Qt.Key.Key_Down and self.model.rowCount() > 0:
                if self._debounce.isActive():
                    self.search_now()
                self.results.setFocus()
                self.results.setCurrentIndex(self.model.index(0))
                return True
            if enter and self.model.rowCount() > 0:
                self.open_current()
                return True
        elif watched is self.results:
            if key == Qt.Key.Key_Up and self.results.currentIndex().row() <= 0:
                self.search_box.setFocus()
                return True
            if enter:
                self.open_current()
                return True
        return super().eventFilter(watched, event)
