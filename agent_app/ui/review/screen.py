"""The team lead's desk (DESIGN.md §2): tickets units returned (退单) with their reason, to
re-dispatch (改派) or reject back; extension requests (延期) to approve with a working-day
deadline or deny; overdue or unaccepted tickets to supervise (督办 提醒→电话→书面, with a
notice from its template); tickets redone twice. Merge and split are on every ticket. Each
action is a ticket command, saved at once and synced later."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.actions import FollowUp
from agent_app.core.enums import Role, SupervisionLevel
from agent_app.core.lifecycle import Action, SideEvent
from agent_app.core.reference import ReferenceData
from agent_app.storage.database import Database
from agent_app.storage.worklists import ReviewItem, ReviewKind, ReviewLists, load_review
from agent_app.tasks import Changes, TaskRunner, Topic
from agent_app.ui.failures import failure_text
from agent_app.ui.i18n import tr_label
from agent_app.ui.table_model import RowsTableModel
from agent_app.ui.ticket.detail import TicketDetailView, china_now
from agent_app.ui.ticket.panel import format_time
from agent_app.ui.widgets import FieldError

REVIEW_ACTIONS = frozenset({Action.REDISPATCH, Action.REJECT_RETURN, Action.REDO, Action.MERGE,
                            SideEvent.SUPERVISION, FollowUp.EXTENSION_DECISION, FollowUp.SPLIT})


class ReviewListModel(RowsTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([self.tr("Ticket"), self.tr("Unit"), self.tr("Category"),
                          self.tr("Deadline"), self.tr("Details")], parent)

    def cell(self, item: ReviewItem, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            return self.details(item)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (item.ticket_id, item.unit, item.category, format_time(item.deadline),
                self.details(item))[column]

    def details(self, item: ReviewItem) -> str:
        if item.kind == ReviewKind.RETURNED:
            return self.tr("returned %1: %2").replace("%1", format_time(item.since)).replace(
                "%2", item.reason)
        if item.kind == ReviewKind.EXTENSION:
            return self.tr("asks until %1: %2").replace(
                "%1", format_time(item.requested_deadline)).replace("%2", item.reason)
        level = (tr_label(SupervisionLevel(item.supervision_level))
                 if item.supervision_level else self.tr("not supervised yet"))
        if item.kind == ReviewKind.NOT_ACCEPTED:
            return self.tr("not accepted since %1 · %2").replace(
                "%1", format_time(item.since)).replace("%2", level)
        if item.kind == ReviewKind.REDONE:
            return self.tr("redone %1 times · %2").replace("%1", str(item.redo_count)).replace(
                "%2", level)
        return self.tr("overdue · %1").replace("%1", level)


class ReviewScreen(QWidget):
    def __init__(self, tasks: TaskRunner, *, role: Role, actor: str,
                 now: Callable[[], datetime] = china_now, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._now = now
        self._reference: ReferenceData | None = None
        self._loading = False
        self._again = False
        self.lists: ReviewLists | None = None
        self.tabs = QTabWidget()
        self.tabs.setObjectName("review_tabs")
        self.models: dict[str, ReviewListModel] = {}
        self.tables: dict[str, QTableView] = {}
        self._titles = {"returned": self.tr("Returned"),
                        "extensions": self.tr("Extension requests"),
                        "supervision": self.tr("Overdue / not accepted"),
                        "redone": self.tr("Redone twice")}
        for key in self._titles:
            model = ReviewListModel(self)
            table = QTableView()
            table.setObjectName(f"review_{key}")
            table.setModel(model)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.verticalHeader().hide()
            table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
            table.setColumnWidth(0, 150)
            table.setColumnWidth(1, 150)
            table.setColumnWidth(2, 130)
            table.setColumnWidth(3, 120)
            table.selectionModel().currentRowChanged.connect(
                lambda current, _previous, k=key: self._chosen(k, current))
            self.models[key], self.tables[key] = model, table
            self.tabs.addTab(table, self._titles[key])
        self.tabs.currentChanged.connect(self._tab_changed)
        self.detail = TicketDetailView(tasks, role=role, actor=actor,
                                       action_kinds=REVIEW_ACTIONS, now=now)
        self.detail.setObjectName("review_detail")
        self.detail.hide()  # until a ticket is chosen: the lists get the width
        splitter = QSplitter()
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.error = FieldError()
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addWidget(splitter)
        tasks.changes.connect(self._on_changes)
        self.detail.install_shortcuts(self)
        self.detail.changed.connect(lambda _id: self._focus_list())
        for n in range(len(self._titles)):
            shortcut = QShortcut(QKeySequence(f"Alt+{n + 1}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda n=n: self._open_list(n))
        self._tasks.with_reference(self._set_reference)

    def shortcut_help(self) -> list[tuple[str, str]]:
        lists = [(f"Alt+{n + 1}", title) for n, title in enumerate(self._titles.values())]
        return [*lists, *self.detail.shortcut_help()]

    def _open_list(self, position: int) -> None:
        self.tabs.setCurrentIndex(position)
        self._focus_list()

    def _focus_list(self) -> None:
        table = self.tables[list(self._titles)[self.tabs.currentIndex()]]
        table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not table.currentIndex().isValid() and table.model().rowCount():
            table.selectRow(0)

    def _set_reference(self, reference: ReferenceData) -> None:
        self._reference = reference
        self.refresh()

    def refresh(self) -> None:
        if self._reference is None:
            return
        if self._loading:
            self._again = True
            return
        self._loading = True
        reference, now = self._reference, self._now()

        def job(db: Database) -> ReviewLists:
            return load_review(db, now, reference)

        self._tasks.run_db(job, on_done=self._show, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        self.error.show_message(self.tr("Could not read the worklists: %1").replace(
            "%1", failure_text(exc)))

    def _show(self, lists: ReviewLists) -> None:
        self._loading = False
        self.error.clear_message()
        self.lists = lists
        for key, items in (("returned", lists.returned), ("extensions", lists.extensions),
                           ("supervision", lists.supervision), ("redone", lists.redone)):
            table = self.tables[key]
            current = table.currentIndex()
            chosen = self.models[key].row(current.row()).ticket_id if current.isValid() \
                else None
            self.models[key].set_rows(items)
            self.tabs.setTabText(list(self._titles).index(key),
                                 f"{self._titles[key]} ({len(items)})")
            row = next((n for n, item in enumerate(items) if item.ticket_id == chosen), None)
            if row is not None:
                table.selectionModel().blockSignals(True)
                table.selectRow(row)
                table.selectionModel().blockSignals(False)
        if self._again:
            self._again = False
            self.refresh()

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(Topic.REFERENCE):
            self._tasks.with_reference(self._set_reference)
        elif changes.touches(Topic.TICKETS, Topic.SYNC):
            self.refresh()

    def _chosen(self, key: str, current: QModelIndex) -> None:
        if current.isValid():
            self.detail.show()
            self.detail.show_ticket(self.models[key].row(current.row()).ticket_id)

    def _tab_changed(self, position: int) -> None:
        table = self.tables[list(self._titles)[position]]
        if table.currentIndex().isValid():
            self._chosen(list(self._titles)[position], table.currentIndex())

    def show_list(self, key: str) -> None:
        self.tabs.setCurrentIndex(list(self._titles).index(key))

    def select(self, key: str, ticket_id: str) -> bool:
        """Choose a ticket of a list, as a click would (used by shortcuts and tests)."""
        self.show_list(key)
        rows = [n for n in range(self.models[key].rowCount())
                if self.models[key].row(n).ticket_id == ticket_id]
        if not rows:
            return False
        self.tables[key].selectRow(rows[0])
        return True
