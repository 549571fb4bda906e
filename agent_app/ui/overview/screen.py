"""Overview: what the local cache holds right now, by lifecycle state, and what waits to sync."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QGridLayout, QHeaderView, QTableView, QVBoxLayout, QWidget

from agent_app.core.enums import TicketStatus
from agent_app.storage.ops import Overview, load_overview
from agent_app.tasks import Changes, TaskRunner, Topic
from agent_app.ui.i18n import tr_label
from agent_app.ui.widgets import plain_label

_Index = QModelIndex | QPersistentModelIndex


class StatusCountsModel(QAbstractTableModel):
    """Rows: lifecycle states in workflow order; columns: state, number of tickets."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[TicketStatus, int]] = []

    def set_counts(self, counts: dict[TicketStatus, int]) -> None:
        self.beginResetModel()
        self._rows = [(status, counts.get(status, 0)) for status in TicketStatus
                      if status is not TicketStatus.DRAFT]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 2

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        status, count = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return tr_label(status) if index.column() == 0 else str(count)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Status"), self.tr("Tickets"))[section]
        return None


class OverviewScreen(QWidget):
    REFRESH_ON = (Topic.TICKETS, Topic.OUTBOX, Topic.DRAFTS, Topic.KB)

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.overview: Overview | None = None
        self.heading = plain_label(self.tr("Local cache at a glance"))
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)

        self.total_label = plain_label()
        self.unsent_label = plain_label()
        self.drafts_label = plain_label()
        self.overdue_label = plain_label()
        self.kb_label = plain_label()
        figures = QGridLayout()
        for column, widget in enumerate((self.total_label, self.unsent_label, self.drafts_label,
                                         self.overdue_label, self.kb_label)):
            figures.addWidget(widget, 0, column)

        self.model = StatusCountsModel(self)
        self.table = QTableView()
        self.table.setObjectName("status_counts")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(figures)
        layout.addWidget(self.table)
        tasks.changes.connect(self._on_changes)
        self.refresh()

    def refresh(self) -> None:
        self._tasks.run_db(lambda db: load_overview(db, datetime.now(UTC)), on_done=self._show)

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(*self.REFRESH_ON):
            self.refresh()

    def _show(self, overview: Overview) -> None:
        self.overview = overview
        self.total_label.setText(self.tr("Tickets: %1").replace("%1", str(overview.tickets)))
        self.unsent_label.setText(self.tr("Unsent: %1").replace("%1", str(overview.unsent)))
        self.drafts_label.setText(self.tr("Drafts: %1").replace("%1", str(overview.drafts)))
        self.overdue_label.setText(self.tr("Overdue: %1").replace("%1", str(overview.overdue)))
        self.kb_label.setText(
            self.tr("KB articles: %1").replace("%1", str(overview.kb_articles)))
        self.model.set_counts(dict(overview.by_status))
