"""The caller's earlier tickets, and the repeat-appeal offer: merge 并单 into the open ticket,
or add this call to it as a follow-up, instead of registering a duplicate."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.models import Ticket
from agent_app.storage.callers import CallerTicket
from agent_app.ui.i18n import tr_label
from agent_app.ui.table_model import RowsTableModel
from agent_app.ui.widgets import plain_label


class CallerHistoryModel(RowsTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([self.tr("Time"), self.tr("Status"), self.tr("Category"),
                          self.tr("Content")], parent)

    def cell(self, ticket: CallerTicket, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{ticket.id}\n{ticket.content}"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return ticket.created_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
        if column == 1:
            return tr_label(ticket.status)
        if column == 2:
            return str(ticket.category) if ticket.category else ""
        return " ".join(ticket.content.split())[:60]


class CallerHistoryPanel(QWidget):
    merge_requested = Signal(str)  # the open ticket this call is merged into
    follow_up_requested = Signal(str)  # the open ticket this call is added to
    open_requested = Signal(str)  # Enter or a double click on a past ticket

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = plain_label(self.tr("Caller history"))
        self.title.setStyleSheet("font-weight: bold;")
        self.model = CallerHistoryModel(self)
        self.table = QTableView()
        self.table.setObjectName("caller_history")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.empty = plain_label(self.tr("No earlier tickets from this number."))
        self.empty.setStyleSheet("color: #7f8c8d;")
        # The chosen ticket's whole appeal: the table has room for its first words only.
        self.preview = plain_label()
        self.preview.setObjectName("history_preview")
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.hide()
        self.table.activated.connect(self._open)
        self.table.selectionModel().currentRowChanged.connect(self._preview)

        self.repeat_box = QFrame()
        self.repeat_box.setObjectName("repeat_offer")
        self.repeat_box.setStyleSheet(
            "QFrame#repeat_offer { background: #fff4e5; border: 1px solid #f0ad4e; }")
        self.repeat_text = plain_label()
        self.repeat_text.setWordWrap(True)
        self.merge_button = QPushButton(self.tr("Merge into it (并单, Ctrl+M)"))
        self.merge_button.setObjectName("merge_button")
        self.follow_up_button = QPushButton(self.tr("Add as follow-up (Ctrl+U)"))
        self.follow_up_button.setObjectName("follow_up_button")
        buttons = QHBoxLayout()
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.follow_up_button)
        repeat_layout = QVBoxLayout(self.repeat_box)
        repeat_layout.addWidget(self.repeat_text)
        repeat_layout.addLayout(buttons)
        self.repeat_box.hide()
        self._repeat: Ticket | None = None
        self.merge_button.clicked.connect(self._merge)
        self.follow_up_button.clicked.connect(self._follow_up)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.repeat_box)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.preview)
        layout.addWidget(self.empty)

    @property
    def repeat(self) -> Ticket | None:
        return self._repeat

    def show_history(self, rows: list[CallerTicket]) -> None:
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self.preview.clear()
        self.preview.hide()
        if rows:
            self.table.selectRow(0)

    def _preview(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        ticket: CallerTicket = self.model.row(current.row())
        self.preview.setText(f"{ticket.id} · {ticket.content}")
        self.preview.show()

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self.model.row(index.row()).id)

    def merge(self) -> None:
        """并单 from the keyboard: the same as the button."""
        self._merge()

    def follow_up(self) -> None:
        self._follow_up()

    def show_repeat(self, ticket: Ticket | None) -> None:
        self._repeat = ticket
        self.repeat_box.setVisible(ticket is not None)
        if ticket is not None:
            self.repeat_text.setText(
                self.tr("Possible repeat appeal: open ticket %1 (%2, %3) has the same "
                        "category and caller or address.")
                .replace("%1", ticket.id).replace("%2", tr_label(ticket.status))
                .replace("%3", ticket.created_at.astimezone(CHINA_TZ).strftime("%m-%d %H:%M")))

    def _merge(self) -> None:
        if self._repeat is not None:
            self.merge_requested.emit(self._repeat.id)

    def _follow_up(self) -> None:
        if self._repeat is not None:
            self.follow_up_requested.emit(self._repeat.id)
