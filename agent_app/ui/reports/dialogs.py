"""Dialogs of the reports screen: the tickets behind a cell (drill-down), the lead's texts of
the bulletin (案例摘登, 工作动态) before the DOCX export, and a manual score adjustment."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import AppealType, Channel
from agent_app.ui.reports.model import domain_label
from agent_app.ui.table_model import RowsTableModel
from agent_app.ui.widgets import plain_label

if TYPE_CHECKING:
    from agent_app.core.reports import ReportTicket


class TicketRowsModel(RowsTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([self.tr("Ticket"), self.tr("Registered"), self.tr("Channel"),
                          self.tr("Appeal type"), self.tr("Category")], parent)

    def cell(self, row: ReportTicket, column: int, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return row.id
        if column == 1:
            return row.created_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
        if column == 2:
            return domain_label(Channel, row.channel)
        if column == 3:
            return domain_label(AppealType, row.appeal_type)
        return " › ".join(row.category) if row.category else ""


class TicketListDialog(QDialog):
    """The tickets a figure counts; Esc closes."""

    def __init__(self, title: str, tickets: Sequence[ReportTicket],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report_drill_down")
        self.setWindowTitle(title)
        self.model = TicketRowsModel(self)
        self.model.set_rows(tickets)
        self.table = QTableView()
        self.table.setObjectName("drill_down_tickets")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.count_label = plain_label(self.tr("Tickets: %1").replace("%1", str(len(tickets))))
        self.count_label.setObjectName("drill_down_count")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(title))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(buttons)
        self.resize(820, 460)


class BulletinDialog(QDialog):
    """The paragraphs only the lead can write; the figures, tables and call-ins come from the
    report. The texts stay with the screen until it is closed."""

    def __init__(self, cases: str, activities: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bulletin_dialog")
        self.setWindowTitle(self.tr("Bulletin"))
        self.cases_edit = QPlainTextEdit(cases)
        self.cases_edit.setObjectName("bulletin_cases")
        self.cases_edit.setTabChangesFocus(True)
        self.cases_edit.setPlaceholderText(self.tr("Typical cases of the month, one paragraph "
                                                   "a line"))
        self.activities_edit = QPlainTextEdit(activities)
        self.activities_edit.setObjectName("bulletin_activities")
        self.activities_edit.setTabChangesFocus(True)
        self.activities_edit.setPlaceholderText(self.tr("Work of the month, one paragraph a "
                                                        "line (一是…, 二是…)"))
        cases_label = plain_label(self.tr("&Cases (案例摘登)"))
        cases_label.setBuddy(self.cases_edit)
        activities_label = plain_label(self.tr("&Work news (工作动态)"))
        activities_label.setBuddy(self.activities_edit)
        hint = plain_label(self.tr("The call-in statement is added after your work news from "
                                   "the month's assessment."))
        hint.setWordWrap(True)
        self.export_button = QPushButton(self.tr("&Export DOCX…"))
        self.export_button.setObjectName("bulletin_export")
        self.export_button.setDefault(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(cases_label)
        layout.addWidget(self.cases_edit, 1)
        layout.addWidget(activities_label)
        layout.addWidget(self.activities_edit, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(720, 560)

    def texts(self) -> tuple[str, str]:
        return self.cases_edit.toPlainText(), self.activities_edit.toPlainText()


class AdjustmentDialog(QDialog):
    """加分/扣分 for one unit and month, with the reason; the error shows next to its field."""

    def __init__(self, unit: str, month: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adjustment_dialog")
        self.setWindowTitle(self.tr("Adjust the score"))
        self.points_edit = QDoubleSpinBox()
        self.points_edit.setObjectName("adjustment_points")
        self.points_edit.setRange(-100, 100)
        self.points_edit.setDecimals(2)
        self.points_edit.setSingleStep(0.5)
        self.points_edit.setToolTip(self.tr("Positive adds points (加分), negative deducts "
                                            "them (扣分)"))
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("adjustment_reason")
        self.reason_edit.setMaxLength(500)
        self.points_error = plain_label()
        self.points_error.setObjectName("adjustment_points_error")
        self.reason_error = plain_label()
        self.reason_error.setObjectName("adjustment_reason_error")
        for label in (self.points_error, self.reason_error):
            label.setStyleSheet("color: #b00020")
        form = QFormLayout()
        form.addRow(self.tr("Unit:"), plain_label(unit))
        form.addRow(self.tr("Month:"), plain_label(month))
        points_label = plain_label(self.tr("&Points:"))
        points_label.setBuddy(self.points_edit)
        form.addRow(points_label, self.points_edit)
        form.addRow("", self.points_error)
        reason_label = plain_label(self.tr("&Reason:"))
        reason_label.setBuddy(self.reason_edit)
        form.addRow(reason_label, self.reason_edit)
        form.addRow("", self.reason_error)
        note = plain_label(self.tr("Adjustments are kept with your name and the time, and "
                                   "cannot be edited: correct one with another."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check_and_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def points(self) -> Decimal:
        return Decimal(str(round(self.points_edit.value(), 2)))

    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def _check_and_accept(self) -> None:
        points_ok = self.points() != 0
        reason_ok = bool(self.reason())
        self.points_error.setText("" if points_ok else self.tr("Enter the points to add or "
                                                               "deduct."))
        self.reason_error.setText("" if reason_ok else self.tr("Say why the score changes."))
        if not points_ok:
            self.points_edit.setFocus()
        elif not reason_ok:
            self.reason_edit.setFocus()
        else:
            self.accept()
