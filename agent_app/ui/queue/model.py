"""The queue's table model: a thin view over the queue's columns. Filtering and sorting are the
core's (agent_app/core/queue.py); cells are formatted only when the view asks for them, and
the working time left only for rows on screen, recomputed on each tick. A refresh moves only
the rows that changed (`take_changes`): removed, inserted, or told their cells changed."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Collection
from datetime import datetime
from itertools import groupby
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
    goes_before,
    place,
    row_shown,
    select_rows,
    sort_keys_of,
    sort_order,
    time_left,
    time_of,
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


def _shown_time(key: int) -> str:
    moment = time_of(key)
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Ascending numbers as (first, last) runs of consecutive ones."""
    return [(group[0][1], group[-1][1]) for _key, items in
            groupby(enumerate(numbers), key=lambda item: item[1] - item[0])
            for group in [list(items)]]


class QueueModel(QAbstractTableModel):
    def __init__(self, calendar: WorkingCalendar, now: Callable[[], datetime],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calendar = calendar
        self._now = now
        self.index_data: QueueIndex | None = None
        self._sorted_index: QueueIndex | None = None  # the index `_order` was sorted from
        # Row positions as arrays of 4-byte ints: as lists, 100k of them are 100k int objects.
        self._order = array("i")  # every row, in the current sort order
        self._positions = array("i")  # the rows shown, in that order
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
    def set_prepared(self, index: QueueIndex, order: list[int], positions: list[int]) -> None:
        """Rows filtered and sorted off the GUI thread, for the current view and sort."""
        self.beginResetModel()
        self.index_data = index
        self._order, self._positions = array("i", order), array("i", positions)
        self._sorted_index = index  # `order` is sorted by the current column
        self._left = {}
        self.endResetModel()

    def take_changes(self, index: QueueIndex, affected: Collection[int]) -> None:
        """The rows at `affected` changed (their values, or the views they are in; new rows
        among them): each goes to its place in the sort order, and the table is told of those
        rows only, so the selection and the scroll position stay where they are. A changed row
        that keeps its place is repainted; one that moves is taken out and put in again."""
        self.index_data = index
        if not affected:
            return
        changed = set(affected)
        removed = index.rows.removed
        before = goes_before(sort_keys_of(index, self.sort_column), self.sort_column,
                             self.descending)
        placed = [n for n in changed if n < index.count and not removed[n]]
        self._order = array("i", place([n for n in self._order if n not in changed], placed,
                                       before))
        words = self.text.lower().split()
        shown = [n for n in placed if row_shown(index, n, self.view, words)]
        old = self._positions
        new = place([n for n in old if n not in changed], shown, before)
        # Where the changed rows are, before and after: one pass over each list.
        was = [(row, n) for row, n in enumerate(old) if n in changed]
        now = [(row, n) for row, n in enumerate(new) if n in changed]
        in_place = _unmoved(was, now)
        for n in changed:
            self._left.pop(n, None)
        # Out first (from the bottom, so the row numbers above stay right), then in (from the
        # top): what is left after the first step is the final list without the rows put in.
        going = [row for row, n in was if n not in in_place]
        for first, last in reversed(_runs(going)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._positions[first:last + 1]
            self.endRemoveRows()
        coming = [row for row, n in now if n not in in_place]
        for first, last in _runs(coming):
            self.beginInsertRows(QModelIndex(), first, last)
            self._positions[first:first] = array("i", new[first:last + 1])
            self.endInsertRows()
        repainted = [row for row, n in now if n in in_place]
        for first, last in _runs(repainted):
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(Column) - 1))

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
            self._order = array("i", sort_order(self.index_data, self.sort_column,
                                                self.descending))
        self._refilter()

    def _refilter(self) -> None:
        # A reset, not a layout change: with 100k rows, mapping every persistent index costs
        # more than the filter. The screen puts the selection back by ticket id.
        self.beginResetModel()
        self._positions = array("i", select_rows(self.index_data, self._order, self.view,
                                                 self.text) if self.index_data else ())
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

    def id_at(self, row: int) -> str:
        assert self.index_data is not None
        return self.index_data.rows.ids[self._positions[row]]

    def row_of(self, ticket_id: str) -> int | None:
        if self.index_data is None:
            return None
        position = self.index_data.rows.position.get(ticket_id)
        if position is None:
            return None
        try:
            return self._positions.index(position)
        except ValueError:
            return None

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
        column = index.column()
        if role == _DISPLAY:
            return self._display(position, Column(column))
        rows = self.index_data.rows
        if role == ID_ROLE:
            return rows.ids[position]
        if role == _TOOLTIP:
            return self._time_tip if column in _TIMED else None
        flagged = rows.redo_counts[position] >= LEAD_ATTENTION_REDOS
        if role == _FOREGROUND:
            if column in _TIMED:
                left = self._time_left(position)
                colour = COLOURS.get(left.state) if left else None
                return QBrush(colour) if colour else None
            if column == Column.REDO and flagged:
                return QBrush(COLOURS[DeadlineState.OVERDUE])
            return None
        if column == Column.REDO and flagged:
            return self._bold  # FontRole
        return None

    def _display(self, position: int, column: Column) -> str:
        assert self.index_data is not None
        rows = self.index_data.rows
        value = rows.values
        if column is Column.ID:
            return rows.ids[position]
        if column is Column.CREATED:
            return _shown_time(rows.created[position])
        if column is Column.CALLER:
            return rows.callers[position]
        if column is Column.APPEAL_TYPE:
            appeal_type = value[rows.appeal_types[position]]
            return self._labels.get(appeal_type, appeal_type)
        if column is Column.CATEGORY:
            return value[rows.categories[position]]
        if column is Column.UNIT:
            return value[rows.units[position]]
        if column is Column.STATUS:
            status = value[rows.statuses[position]]
            return self._labels.get(status, sync_label(status))
        if column is Column.DEADLINE:
            return _shown_time(rows.deadlines[position])
        if column is Column.REMAINING:
            left = self._time_left(position)
            return (working_time_text(left, self.calendar.working_minutes_per_day)
                    if left else "")
        if column is Column.REDO:
            redo = rows.redo_counts[position]
            return str(redo) if redo else ""
        if column is Column.SUPERVISION:
            return self._labels.get(value[rows.levels[position]], "")
        return sync_label(value[rows.sync_states[position]])

    def _time_left(self, position: int) -> TimeLeft | None:
        if position not in self._left:
            assert self.index_data is not None
            rows = self.index_data.rows
            self._left[position] = time_left(time_of(rows.deadlines[position]),
                                             rows.values[rows.statuses[position]], self._now(),
                                             self.calendar)
        return self._left[position]


def _unmoved(was: list[tuple[int, int]], now: list[tuple[int, int]]) -> set[int]:
    """The changed rows shown before and after between the same unchanged rows, in the same
    order among themselves: they keep their row in the table and are only repainted. `was`
    and `now`: (table row, position) of the changed rows, before and after."""
    # A row's slot: how many unchanged rows come before it.
    before = {n: row - k for k, (row, n) in enumerate(was)}
    after = {n: row - k for k, (row, n) in enumerate(now)}
    staying = [n for _row, n in was if after.get(n) == before[n]]
    if staying != [n for _row, n in now if before.get(n) == after[n]]:
        return set()  # reordered among themselves: every one moves
    return set(staying)
