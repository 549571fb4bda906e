"""The conflicts and refused changes behind the status bar's count, opened by clicking it or
from the File menu: what the server kept, what this PC had, and why a change was refused."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.wire import WIRE_CONTEXT
from agent_app.storage.problems import (
    Conflict,
    Quarantined,
    Rejection,
    SyncProblems,
    dismiss_rejection,
    load_problems,
    resolve_conflict,
    resolve_quarantined,
)
from agent_app.tasks import TaskRunner
from agent_app.ui.i18n import tr_core
from agent_app.ui.table_model import RowsTableModel
from agent_app.ui.ticket.commands import refusal_text
from agent_app.ui.widgets import plain_label


class ProblemsModel(RowsTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([self.tr("Kind"), self.tr("Ticket"), self.tr("When"),
                          self.tr("What")], parent)

    def set_problems(self, problems: SyncProblems) -> None:
        self.set_rows([*problems.conflicts, *problems.rejections, *problems.quarantined])

    def cell(self, problem: Conflict | Rejection | Quarantined, column: int, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if isinstance(problem, Quarantined):
            values: tuple[Any, ...] = (self.tr("Set aside when pulled"), problem.ticket_id,
                                       problem.detected_at, tr_core(WIRE_CONTEXT, problem.reason))
        elif isinstance(problem, Conflict):
            values = (self.tr("Overruled by the server"), problem.ticket_id,
                      problem.detected_at, ", ".join(d.field for d in problem.differences))
        else:
            values = (self.tr("Refused by the server"), problem.entity_id,
                      problem.created_at, refusal_text(problem.reason))
        if column == 2:
            return values[2].astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
        return str(values[column])


class SyncProblemsDialog(QDialog):
    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.setWindowTitle(self.tr("Sync conflicts and refused changes"))
        self.resize(760, 480)
        self.model = ProblemsModel(self)
        self.table = QTableView()
        self.table.setObjectName("sync_problems")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.detail = QPlainTextEdit()  # plain text: it quotes ticket data and server messages
        self.detail.setObjectName("problem_detail")
        self.detail.setReadOnly(True)
        self.empty = plain_label(self.tr("Nothing to look at: every change was accepted."))
        self.settle_button = QPushButton(self.tr("Mark as seen"))
        self.settle_button.setObjectName("settle_problem")
        self.settle_button.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.settle_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.detail, 1)
        layout.addLayout(row)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.settle_button.clicked.connect(self.settle_current)
        self.refresh()

    def refresh(self) -> None:
        self._tasks.run_db(load_problems, on_done=self._show)

    def _show(self, problems: SyncProblems) -> None:
        self.model.set_problems(problems)
        self.empty.setVisible(self.model.rowCount() == 0)
        self.detail.clear()
        self.settle_button.setEnabled(False)
        if self.model.rowCount():
            self.table.selectRow(0)

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        problem = self.model.row(current.row())
        self.settle_button.setEnabled(True)
        if isinstance(problem, Quarantined):
            lines = [self.tr("Ticket %1 (server version %2) could not be stored on this PC:")
                     .replace("%1", problem.ticket_id).replace("%2", str(problem.version)),
                     tr_core(WIRE_CONTEXT, problem.reason),
                     self.tr("The other tickets arrived. Tell IT: the server holds a ticket "
                             "in a shape this version cannot read.")]
        elif isinstance(problem, Conflict):
            lines = [self.tr("Ticket %1: the server's version was kept. Your version:")
                     .replace("%1", problem.ticket_id)]
            server = self.tr("server")
            lines += [f"  {d.field}: {d.local}  →  {server}: {d.server}"
                      for d in problem.differences]
        else:
            lines = [self.tr("Change %1 (%2) to %3 was refused:")
                     .replace("%1", str(problem.mutation_id)).replace("%2", problem.op)
                     .replace("%3", problem.entity_id), refusal_text(problem.reason)]
        self.detail.setPlainText("\n".join(lines))

    def settle_current(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        problem = self.model.row(index.row())
        if isinstance(problem, Quarantined):
            self._tasks.run_db(lambda db: resolve_quarantined(db, problem.id),
                               on_done=lambda _r: self.refresh())
        elif isinstance(problem, Conflict):
            self._tasks.run_db(lambda db: resolve_conflict(db, problem.id),
                               on_done=lambda _r: self.refresh())
        else:
            self._tasks.run_db(lambda db: dismiss_rejection(db, problem.mutation_id),
                               on_done=lambda _r: self.refresh())
