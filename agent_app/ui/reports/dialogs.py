"""Dialogs of the reports screen: the tickets behind a cell (drill-down), and the lead's texts
of the bulletin (案例摘登, 工作动态) before the DOCX export."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
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
