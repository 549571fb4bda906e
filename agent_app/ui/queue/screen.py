"""The queue screen: saved views on the left, the tickets in the middle, the chosen ticket in
full on the right. The cache is read in the background (the first time a page at a time,
then only what changed) and shown filtered and sorted; after the first read only the rows
that changed move in the table, and the selection stays on its ticket across refreshes,
filters and sorts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.calendar import WorkingCalendar
from agent_app.core.enums import Role
from agent_app.core.queue import (
    VIEW_TITLES,
    Column,
    QueueIndex,
    SavedView,
    count_views,
    index_rows,
    keep_sort_keys,
    select_rows,
    sort_order,
    update_index,
)
from agent_app.core.reference import ReferenceData
from agent_app.storage.database import Database
from agent_app.storage.queue import QueueLoader, QueueSnapshot
from agent_app.tasks import Changes, TaskRunner, Topic
from agent_app.ui.failures import failure_text
from agent_app.ui.queue.model import QueueModel
from agent_app.ui.ticket.detail import TicketDetailView, china_now
from agent_app.ui.widgets import plain_label

TICK_MS = 30_000  # countdowns move on every half minute
FILTER_DELAY_MS = 150
KEEP_KEYS_AFTER_MS = 200  # after the first read, before the sort keys are made
REFRESH_ON = (Topic.TICKETS, Topic.OUTBOX, Topic.SYNC)  # drafts are not in the queue
KEY_COLUMNS_WIDTH = 650  # the ticket number to the time left, with the scroll bar
VISUAL_ORDER = (Column.ID, Column.CREATED, Column.STATUS, Column.DEADLINE, Column.REMAINING,
                Column.APPEAL_TYPE, Column.CALLER, Column.CATEGORY, Column.UNIT, Column.REDO,
                Column.SUPERVISION, Column.SYNC)


@dataclass(frozen=True)
class _Prepared:
    snapshot: QueueSnapshot
    index: QueueIndex
    order: list[int]
    positions: list[int]
    params: tuple[SavedView, str, Column, bool]


@dataclass(frozen=True)
class _Changed:
    """A refresh after the first read: the index brought up to date, and its changed rows."""

    snapshot: QueueSnapshot
    index: QueueIndex
    affected: set[int]


class QueueScreen(QWidget):
    counts_changed = Signal(object)  # dict[SavedView, int], after each read of the cache

    def __init__(self, tasks: TaskRunner, *, role: Role, actor: str,
                 now: Callable[[], datetime] = china_now, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._now = now
        self._loader = QueueLoader(actor)
        self._loading = False
        self._dirty = True  # read the cache when the screen is first shown
        self._changed_ids: set[str] = set()  # tickets to read again at the next refresh
        self._index: QueueIndex | None = None  # after the first read: kept current
        self._keys_kept_for: QueueIndex | None = None  # the index whose sort keys are kept
        self.snapshot: QueueSnapshot | None = None
        self._selected_id: str | None = None

        self.views = QListWidget()
        self.views.setObjectName("saved_views")
        self.views.setFixedWidth(118)  # narrow: at 1366 px the table needs the width
        for view in SavedView:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, view.value)
            self.views.addItem(item)
        self.views.setCurrentRow(0)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("queue_filter")
        self.filter_edit.setPlaceholderText(
            self.tr("Filter: ticket number, caller, category, unit, address…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.status_label = plain_label()
        self.status_label.setObjectName("queue_status")

        self.model = QueueModel(WorkingCalendar(), now, self)
        self.table = QTableView()
        self.table.setObjectName("queue_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(Column.CREATED,
                                                       Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        widths = {Column.ID: 138, Column.CREATED: 112, Column.CALLER: 140,
                  Column.APPEAL_TYPE: 44, Column.CATEGORY: 140, Column.UNIT: 150,
                  Column.STATUS: 62, Column.DEADLINE: 112, Column.REMAINING: 128,
                  Column.REDO: 40, Column.SUPERVISION: 56, Column.SYNC: 56}
        # Times and numbers exactly as wide as they are in the font in use (no "06:…").
        metrics = self.table.fontMetrics()
        samples = {Column.ID: "PDS20261202-00161", Column.CREATED: "2026-12-02 06:09",
                   Column.DEADLINE: "2026-12-02 06:09", Column.STATUS: "直接答复",
                   Column.REMAINING: "超期 12 个工作日 6 小时"}
        for column, sample in samples.items():
            widths[column] = metrics.horizontalAdvance(sample) + 14
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        # What a lead sorts and scans by comes right after the number, so that it is on
        # screen at 1366 px even with the ticket open beside the table.
        header = self.table.horizontalHeader()
        for visual, column in enumerate(VISUAL_ORDER):
            header.moveSection(header.visualIndex(column), visual)

        self.detail = TicketDetailView(tasks, role=role, actor=actor, now=now)
        self.detail.setObjectName("queue_detail")
        self.detail.hide()  # until a ticket is chosen: an empty pane only takes width

        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.status_label)
        middle_layout.addLayout(top)
        middle_layout.addWidget(self.table, 1)
        splitter = QSplitter()
        splitter.addWidget(middle)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self._splitter = splitter
        layout = QHBoxLayout(self)
        layout.addWidget(self.views)
        layout.addWidget(splitter, 1)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda _text: self._filter_timer.start())
        self.views.currentRowChanged.connect(lambda _row: self.apply_filter())
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sorted)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.model.modelReset.connect(self._restore_selection)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.model.tick)
        self._tick.start()
        tasks.changes.connect(self._on_changes)
        self._install_shortcuts()
        self._show_counts(None)
        self._tasks.with_reference(self._set_reference)

    # Keyboard ----------------------------------------------------------------------------------
    def _install_shortcuts(self) -> None:
        bindings: list[tuple[str, Callable[[], object]]] = [
            ("Ctrl+F", self._focus_filter), ("Ctrl+L", self.views.setFocus),
            ("Ctrl+T", self.table.setFocus)]
        for keys, slot in bindings:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.filter_edit.returnPressed.connect(self.table.setFocus)
        self.detail.install_shortcuts(self)
        # After an action the list has the focus again, for the next ticket.
        self.detail.changed.connect(lambda _id: self.table.setFocus())

    def _focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def shortcut_help(self) -> list[tuple[str, str]]:
        return [("Ctrl+F", self.tr("Filter the tickets (Enter: to the list)")),
                ("Ctrl+L", self.tr("Saved views (arrow keys choose)")),
                ("Ctrl+T", self.tr("The ticket list (arrow keys choose a ticket)")),
                *self.detail.shortcut_help()]

    # Reading the cache -------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._dirty or self._changed_ids:
            self.refresh()

    def refresh(self) -> None:
        """Read what changed (the first time, the next page), filter and sort it off the GUI
        thread for what is on show, then swap it in."""
        self._dirty = True  # what changed is not known: the loader finds it
        if not self._loading:  # else once this read is in, another follows
            self._run_refresh()

    def refresh_tickets(self, ticket_ids: Iterable[str]) -> None:
        """These tickets changed (a save, a sync): only their rows are read again and moved
        in the table. Called for any change that knows its ticket ids; when hidden or busy,
        the ids wait for the next refresh."""
        self._changed_ids.update(ticket_ids)
        if self.isVisible() and not self._loading:
            self._run_refresh()

    def _run_refresh(self) -> None:
        self._loading = True
        dirty, self._dirty = self._dirty, False
        ids, self._changed_ids = self._changed_ids, set()
        loader, now, params = self._loader, self._now(), self._params()
        first_page = self.snapshot is None
        index = self._index

        def prepare(db: Database) -> _Prepared | _Changed | QueueSnapshot:
            # Told which tickets changed: only those are read. Otherwise (a topic, or the
            # first read) the loader finds what changed since its last read.
            snapshot = loader.step(db, now) if dirty or not ids else None
            if ids and (snapshot is None or snapshot.complete):
                told = loader.read_tickets(db, now, ids)
                if snapshot is not None:  # both reads' changes
                    both = (None if snapshot.changed is None or told.changed is None
                            else snapshot.changed | told.changed)
                    told = replace(told, changed=both)
                snapshot = told
            assert snapshot is not None
            if not (snapshot.complete or first_page):
                # Between the first page and the last only the progress is news: the rows
                # are prepared once at the end, which keeps each DB job short.
                return snapshot
            if (index is not None and snapshot.changed is not None
                    and index.rows is snapshot.columns):
                return _Changed(snapshot, index, update_index(index, snapshot.context,
                                                              snapshot.changed))
            full = index_rows(snapshot.columns, snapshot.context)
            view, text, column, descending = params
            order = sort_order(full, column, descending)
            return _Prepared(snapshot, full, order, select_rows(full, order, view, text),
                             params)

        self._tasks.run_db(prepare, on_done=self._prepared, on_error=self._failed)

    def _prepared(self, prepared: _Prepared | _Changed | QueueSnapshot) -> None:
        self._loading = False
        if isinstance(prepared, QueueSnapshot):
            self.snapshot = prepared
            self._show_status()
            self.refresh()
            return
        self.snapshot = prepared.snapshot
        if isinstance(prepared, _Changed):
            self.model.take_changes(prepared.index, prepared.affected)
            self._restore_selection()
        elif prepared.params == self._params():
            self.model.set_prepared(prepared.index, prepared.order, prepared.positions)
        else:  # the user filtered or sorted meanwhile: do it again here
            self.model.set_prepared(prepared.index, prepared.order, [])
            self.model.sort(self.model.sort_column,
                            Qt.SortOrder.DescendingOrder if self.model.descending
                            else Qt.SortOrder.AscendingOrder)
        # Kept current from now on, once the whole cache is in.
        self._index = prepared.index if prepared.snapshot.complete else None
        if self._index is not None and self._index is not self._keys_kept_for:
            # The text columns' sort keys, made once the rows are painted (their sorts hold
            # the interpreter for tens of milliseconds); the refreshes keep them current.
            self._keys_kept_for = self._index
            QTimer.singleShot(KEEP_KEYS_AFTER_MS, self, self._keep_sort_keys)
        self._show_counts(prepared.index)
        if not prepared.snapshot.complete or self._dirty:
            self.refresh()
        elif self._changed_ids and self.isVisible():
            self._run_refresh()

    def _keep_sort_keys(self) -> None:
        index = self._keys_kept_for
        if index is not None and index is self._index:
            self._tasks.run_db(lambda _db: keep_sort_keys(index))

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        self.status_label.setText(self.tr("Could not read the tickets: %1")
                                  .replace("%1", failure_text(exc)))

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(Topic.REFERENCE):
            self._tasks.with_reference(self._set_reference)
        if not changes.touches(*REFRESH_ON):
            return
        if changes.ticket_ids and not changes.touches(Topic.REFERENCE):
            self.refresh_tickets(changes.ticket_ids)  # only those rows are read again
        elif self.isVisible():
            self.refresh()
        else:
            self._dirty = True

    def _set_reference(self, reference: ReferenceData) -> None:
        self.model.calendar = reference.calendar
        self.model.tick()

    # Filtering and sorting ----------------------------------------------------------------------
    def current_view(self) -> SavedView:
        item = self.views.currentItem()
        return SavedView(item.data(Qt.ItemDataRole.UserRole)) if item else SavedView.ALL

    def show_view(self, view: SavedView) -> None:
        self.views.setCurrentRow(list(SavedView).index(view))

    def _params(self) -> tuple[SavedView, str, Column, bool]:
        return (self.current_view(), self.filter_edit.text(), self.model.sort_column,
                self.model.descending)

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        self.model.set_filter(self.current_view(), self.filter_edit.text())
        self._show_status()

    def _sorted(self, column: int, order: Qt.SortOrder) -> None:
        self._show_status()

    def _show_counts(self, index: QueueIndex | None) -> None:
        counts = count_views(index) if index is not None else {}
        if counts:
            self.counts_changed.emit(counts)
        for row, view in enumerate(SavedView):
            title = QCoreApplication.translate("SavedView", VIEW_TITLES[view])
            count = counts.get(view)
            self.views.item(row).setText(f"{title} ({count})" if count is not None else title)
        self._show_status()

    def _show_status(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            self.status_label.setText(self.tr("Reading the tickets…"))
        elif not snapshot.complete:
            self.status_label.setText(self.tr("Reading the tickets… %1 of %2")
                                      .replace("%1", str(snapshot.loaded))
                                      .replace("%2", str(snapshot.total)))
        else:
            self.status_label.setText(self.tr("%1 shown").replace(
                "%1", str(self.model.rowCount())))

    # Selection ---------------------------------------------------------------------------------
    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        self._selected_id = self.model.id_at(current.row())
        if self.detail.isHidden():
            self.detail.show()
            # The list keeps its key columns (number to time left); the ticket gets the rest.
            total = sum(self._splitter.sizes())
            table = max(KEY_COLUMNS_WIDTH, total * 11 // 20)
            self._splitter.setSizes([table, max(total - table, 0)])
        self.detail.show_ticket(self._selected_id)

    def select_ticket(self, ticket_id: str) -> bool:
        row = self.model.row_of(ticket_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        return True

    def _restore_selection(self) -> None:
        """After a refresh, filter or sort the same ticket stays chosen, if it is still shown."""
        if self._selected_id is None:
            return
        row = self.model.row_of(self._selected_id)
        if row is None:
            return
        index = self.model.index(row, 0)
        selection = self.table.selectionModel()
        selection.blockSignals(True)  # the detail already shows it: no reload
        selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                  | QItemSelectionModel.SelectionFlag.Rows)
        selection.blockSignals(False)
        self.table.viewport().update()
