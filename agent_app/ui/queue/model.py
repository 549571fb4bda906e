"""The queue's table model: a thin view over plain row tuples. Filtering and sorting are the
core's (agent_app/core/queue.py); cells are formatted only when the view asks for them, and
the working time left only for rows on screen, recomputed on each tick."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QWidget

from agent_app.core.actions import LEAD_ATTENTION_REDOS
from agent_app.core.calendar import CHINA_TZ, WorkingCalendar
from agent_app.core.enums import AppealType, SupervisionLevel, TicketStatus
from agent_app.core.queue import (
    COLUMN_TITLES,
    Column,
    DeadlineState,
    QueueIndex,
    QueueRow,
    SavedView,
    TimeLeft,
    select_rows,
    sort_order,
    time_left,
)
from agent_app.ui.i18n import tr_label
from agent_app.ui.ticket.labels import sync_label, time_left_tip, working_time_text

_Index = QModelIndex | QPersistentModelIndex
COLOURS = {DeadlineState.OVERDUE: QColor("#c0392b"), DeadlineState.AMBER: QColor("#d68910")}
ID_ROLE = Qt.ItemDataRole.UserRole + 1
_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ANSWERED = frozenset({_DISPLAY, _FOREGROUND, Qt.ItemDataRole.FontRole, ID_ROLE, _TOOLTIP})
_TIMED = frozenset({Column.DEADLINE, Column.REMAINING})


def _time(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _shown_time(text: str) -> str:
    moment = _time(text)
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""


class QueueModel(QAbstractTableModel):
    def __init__(self, calendar: WorkingCalendar, now: Callable[[], datetime],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calendar = calendar
        self._now = now
        self.index_data: QueueIndex | None = None
        self._sorted_index: QueueIndex | None = None  # the index `_order` was sorted from
        self._order: list[int] = []  # every row, in the current sort order
        self._positions: list[int] = []  # the rows shown, in that order
        self.view = SavedView.ALL
        self.text = ""
        self.sort_column = Column.CREATED
        self.descending = True
        self._left: dict[int, TimeLeft | None] = {}  # working time left, per row, this tick
        # Translated once: cells ask for them thousands of times while scrolling.
        self._labels = {value.value: tr_label(value)
                        for enum in (TicketStatus, AppealType, SupervisionLevel)
                        for value in enum}
        self._time_tip = time_left_tip()
        self._bold = QFont()
        self._bold.setBold(True)

    # Data in ---------------------------------------------------------------------------------
    @property
    def rows(self) -> list[QueueRow]:
        return list(self.index_data.rows) if self.index_data else []

    def set_prepared(self, index: QueueIndex, order: list[int], positions: list[int]) -> None:
        """Rows filtered and sorted off the GUI thread, for the current view and sort."""
        self.beginResetModel()
        self.index_data, self._order, self._positions = index, order, positions
        self._sorted_index = index  # `order` is sorted by the current column
        self._left = {}
        self.endResetModel()

    def set_filter(self, view: SavedView, text: str) -> None:
        self.view, self.text = view, text
        self._refilter()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        descending = order == Qt.SortOrder.DescendingOrder
        if (Column(column), descending) == (self.sort_column, self.descending) \
                and self._sorted_index is self.index_data:
            return  # QTableView.sortByColumn asks twice: once is enough
        self.sort_column = Column(column)
        self.descending = descending
        self._sorted_index = self.index_data
        if self.index_data is not None:
            self._order = sort_order(self.index_data, self.sort_column, self.descending)
        self._refilter()

    def _refilter(self) -> None:
        # A reset, not a layout change: with 100k rows, mapping every persistent index costs
        # more than the filter. The screen puts the selection back by ticket id.
        self.beginResetModel()
        self._positions = (select_rows(self.index_data, self._order, self.view, self.text)
                           if self.index_data else [])
        self._left = {}
        self.endResetModel()

    def tick(self) -> None:
        """Time moved on: the countdowns of the rows on screen are worked out again."""
        self._left = {}
        if self._positions:
            self.dataChanged.emit(self.index(0, Column.REMAINING),
                                  self.index(len(self._positions) - 1, Column.REMAINING),
                                  [Qt.ItemDataRole.DisplayRole,
                                   Qt.ItemDataRole.ForegroundRole])

    # Data out --------------------------------------------------------------------------------
    def row_at(self, row: int) -> QueueRow:
        assert self.index_data is not None
        return self.index_data.rows[self._positions[row]]

    def row_of(self, ticket_id: str) -> int | None:
        if self.index_data is None:
            return None
        rows = self.index_data.rows
        return next((r for r, n in enumerate(self._positions) if rows[n].id == ticket_id),
                    None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._positions)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("QueueColumn", COLUMN_TITLES[Column(section)])
        if orientation == Qt.Orientation.Horizontal and role == _TOOLTIP and section in _TIMED:
            return self._time_tip
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every cell painted: roles this model never answers leave
        # first, before any lookup.
        if role not in _ANSWERED or self.index_data is None:
            return None
        row_number = index.row()
        if not 0 <= row_number < len(self._positions):
            return None
        position = self._positions[row_number]
        row = self.index_data.rows[position]
        column = index.column()
        if role == _DISPLAY:
            return self._display(row, position, Column(column))
        if role == ID_ROLE:
            return row.id
        if role == _TOOLTIP:
            return self._time_tip if column in _TIMED else None
        if role == _FOREGROUND:
            if column in _TIMED:
                left = self._time_left(row, position)
                colour = COLOURS.get(left.state) if left else None
                return QBrush(colour) if colour else None
            if column == Column.REDO and row.redo_count >= LEAD_ATTENTION_REDOS:
                return QBrush(COLOURS[DeadlineState.OVERDUE])
            return None
        if column == Column.REDO and row.redo_count >= LEAD_ATTENTION_REDOS:
            return self._bold  # FontRole
        return None

    def _display(self, row: QueueRow, position: int, column: Column) -> str:
        if column is Column.ID:
            return row.id
        if column is Column.CREATED:
            return _shown_time(row.created_at)
        if column is Column.CALLER:
            return row.caller
        if column is Column.APPEAL_TYPE:
            return self._labels.get(row.appeal_type, row.appeal_type)
        if column is Column.CATEGORY:
            return row.category
        if column is Column.UNIT:
            return row.unit
        if column is Column.STATUS:
            return self._labels.get(row.status, sync_label(row.status))
        if column is Column.DEADLINE:
            return _shown_time(row.deadline)
        if column is Column.REMAINING:
            left = self._time_left(row, position)
            return (working_time_text(left, self.calendar.working_minutes_per_day)
                    if left else "")
        if column is Column.REDO:
            return str(row.redo_count) if row.redo_count else ""
        if column is Column.SUPERVISION:
            return self._labels.get(row.supervision_level, "")
        return sync_label(row.sync_state)

    def _time_left(self, row: QueueRow, position: int) -> TimeLeft | None:
        if position not in self._left:
            self._left[position] = time_left(_time(row.deadline), row.status, self._now(),
                                             self.calendar)
        return self._left[position]
