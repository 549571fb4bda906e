"""Thin table models of the reports screen over the rows of a MonthlyReport.

The unit table holds every unit of the month; each group's tab shows it through its own
QSortFilterProxyModel (filtered on the group, sorted on the raw numbers of SORT_ROLE)."""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRegularExpression, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QWidget

from agent_app.core.enums import AppealType, Channel
from agent_app.ui.i18n import tr_label
from agent_app.ui.table_model import RowsTableModel

if TYPE_CHECKING:
    from agent_app.core.reports import ChannelRow, ShareRow, UnitRow

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw value: numbers sort as numbers
GROUP_ROLE = Qt.ItemDataRole.UserRole + 2
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
NO_VALUE_SORT = -1.0  # a rate without denominator sorts below 0%
UNRANKED_SORT = float("inf")  # units not ranked come after the ranked ones


def format_rate(value: float | None, no_value: str = "—") -> str:
    return no_value if value is None else f"{value:.2f}%"


def domain_label(enum: type[StrEnum], code: str) -> str:
    """A stored code in the user's language; an unknown code (newer server) as it is."""
    try:
        return tr_label(enum(code))
    except ValueError:
        return code


class UnitColumn(IntEnum):
    UNIT = 0
    RECEIVED = 1
    OVERDUE = 2
    REDO = 3
    RESULT = 4
    PROCESS = 5
    CLOSED = 6
    ACCEPTED = 7
    REPLIED = 8
    RANK = 9
    SCORE = 10
    INTERVIEW = 11


# The tickets behind a cell (agent_app.core.reports.DRILL_MEASURES); score, rank and call-in
# rest on all the tickets received.
DRILL_MEASURE = {
    UnitColumn.UNIT: "received", UnitColumn.RECEIVED: "received",
    UnitColumn.OVERDUE: "overdue", UnitColumn.REDO: "redo",
    UnitColumn.RESULT: "result_rated", UnitColumn.PROCESS: "process_rated",
    UnitColumn.CLOSED: "closed", UnitColumn.ACCEPTED: "accepted_on_time",
    UnitColumn.REPLIED: "replied", UnitColumn.RANK: "received", UnitColumn.SCORE: "received",
    UnitColumn.INTERVIEW: "received",
}


class UnitTableModel(RowsTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([self.tr("Unit"), self.tr("Received"), self.tr("Overdue"),
                          self.tr("Redo"), self.tr("Result satisfaction"),
                          self.tr("Process satisfaction"), self.tr("Closed rate"),
                          self.tr("Accepted on time"), self.tr("Reply rate"),
                          self.tr("Rank"), self.tr("Score"), self.tr("Call-in")], parent)
        self._tips = [
            self.tr("The unit the tickets were dispatched to"),
            self.tr("Distinct tickets dispatched to the unit in the month"),
            self.tr("Of those, first reply after the deadline, or no reply and the deadline "
                    "passed"),
            self.tr("Redo events in the month on the unit's tickets"),
            self.tr("Satisfied or basically satisfied, of the latest rated callback per "
                    "ticket in the month"),
            self.tr("The same on the service process rating"),
            self.tr("Tickets received and closed by the month's end"),
            self.tr("Tickets received and accepted within the acceptance time limit"),
            self.tr("Tickets received and replied to by the month's end"),
            self.tr("By score within the group, equal scores sharing a rank; units with "
                    "fewer than 6 tickets are not ranked"),
            self.tr("Assessment score: the official one when imported, else computed from the "
                    "policy's components with the manual adjustments"),
            self.tr("Called in this month: the last ranked units below the group's threshold"),
        ]
        self._levels = {"deputy": self.tr("Deputy leader"),
                        "principal": self.tr("Principal leader"),
                        "public_statement": self.tr("Public statement")}

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return self._tips[section]
        return super().headerData(section, orientation, role)

    def cell(self, row: UnitRow, column: int, role: int) -> Any:
        if role == GROUP_ROLE:
            return row.group
        value = self._value(row, column)
        if role == SORT_ROLE:
            if column == UnitColumn.UNIT:
                return row.unit
            if value is None:
                return UNRANKED_SORT if column == UnitColumn.RANK else NO_VALUE_SORT
            return float(value)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == UnitColumn.UNIT:
                return row.unit
            if column == UnitColumn.SCORE:
                return "" if value is None else f"{value:.2f}"
            if column == UnitColumn.INTERVIEW:
                return self.call_in_text(row)
            if column in (UnitColumn.RESULT, UnitColumn.PROCESS):
                return format_rate(value, self.tr("Not surveyed"))
            if column in (UnitColumn.CLOSED, UnitColumn.ACCEPTED, UnitColumn.REPLIED):
                return format_rate(value)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != UnitColumn.UNIT:
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and column == UnitColumn.RANK and value is None:
            return self.tr("Fewer than 6 tickets: listed, not ranked")
        if role == Qt.ItemDataRole.ToolTipRole and column == UnitColumn.SCORE and value is not None:
            return (self.tr("Official score (imported)") if row.score_source == "official"
                    else self.tr("Computed score, adjustments %1").replace(
                        "%1", f"{row.adjustment:+.2f}"))
        return None

    def call_in_text(self, row: UnitRow) -> str:
        if not row.interview:
            return ""
        return self.tr("Yes · %1 · %2 this year").replace(
            "%1", self._levels.get(row.interview_level or "", row.interview_level or "")
        ).replace("%2", str(row.interviews_in_year))

    @staticmethod
    def _value(row: UnitRow, column: int) -> Any:
        if column == UnitColumn.INTERVIEW:
            return row.interviews_in_year if row.interview else 0
        return (row.unit, row.received, row.overdue, row.redo, row.result_satisfaction,
                row.process_satisfaction, row.closed_rate, row.on_time_accept_rate,
                row.reply_rate, row.rank, row.score)[column]


def group_proxy(source: UnitTableModel, group: str, parent: QWidget | None = None
                ) -> QSortFilterProxyModel:
    """One group's units out of the month's table, sortable by any column."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(source)
    proxy.setSortRole(SORT_ROLE)
    proxy.setFilterRole(GROUP_ROLE)
    proxy.setFilterKeyColumn(UnitColumn.UNIT)
    proxy.setFilterRegularExpression(
        QRegularExpression(f"^{QRegularExpression.escape(group)}$"))
    proxy.setSortLocaleAware(True)
    return proxy


class ShareTableModel(RowsTableModel):
    """Count and share of the month's contacts (appeal types, categories, hot topics)."""

    def __init__(self, first_header: str, label: Callable[[ShareRow], str],
                 parent: QWidget | None = None) -> None:
        super().__init__([first_header, self.tr("Tickets"), self.tr("Share")], parent)
        self._label = label

    def cell(self, row: ShareRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (self._label(row), str(row.count), format_rate(row.share))[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return _RIGHT
        return None


class ChannelTableModel(RowsTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([self.tr("Channel"), self.tr("Contacts"), self.tr("Answered directly"),
                          self.tr("Dispatched"), self.tr("Closed rate"), self.tr("Reply rate")],
                         parent)

    def cell(self, row: ChannelRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (domain_label(Channel, row.channel), str(row.contacts),
                    str(row.answered_directly), str(row.dispatched),
                    format_rate(row.closed_rate), format_rate(row.reply_rate))[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return _RIGHT
        return None


def appeal_type_label(row: ShareRow) -> str:
    return domain_label(AppealType, row.key[0])


def category_label(row: ShareRow) -> str:
    return " › ".join(row.key)
