"""Callbacks 回访: the replied tickets awaiting a call to the caller, the longest waiting
first. The operator records the handling result and the service process (satisfied / basically
satisfied / dissatisfied), or that the caller was not reached. A satisfied or basically
satisfied result closes the ticket; a dissatisfied one sends it back to the unit for redo
(重办, a new deadline), and a second redo flags it for the team lead. A lead may also send a
formulaic or empty reply back for redo, with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.actions import (
    MAX_CALLBACK_ATTEMPTS,
    CommandKind,
    FollowUp,
    TicketCommand,
    callback_commands,
    may_close_unrated,
)
from agent_app.core.enums import Role
from agent_app.core.lifecycle import Action, SideEvent
from agent_app.storage.worklists import CallbackItem, load_callbacks
from agent_app.tasks import Changes, TaskRunner, Topic
from agent_app.ui.failures import failure_text
from agent_app.ui.table_model import RowsTableModel
from agent_app.ui.ticket.detail import TicketDetailView, china_now
from agent_app.ui.ticket.panel import format_time
from agent_app.ui.widgets import FieldError, plain_label

# Leads may judge a reply formulaic and send it back; operators act through the ratings.
LEAD_ACTIONS = frozenset({Action.REDO})


class CallbackListModel(RowsTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([self.tr("Ticket"), self.tr("Replied"), self.tr("Unit"),
                          self.tr("Caller"), self.tr("Attempts"), self.tr("Redo"),
                          self.tr("Reply")], parent)

    def cell(self, item: CallbackItem, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == 6:
            return item.reply
        if role == Qt.ItemDataRole.ForegroundRole and column == 5 and item.redo_count >= 1:
            return Qt.GlobalColor.darkRed
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        caller = item.caller if item.callback_permitted else self.tr("%1 (no callback wanted)")\
            .replace("%1", item.caller)
        return (item.ticket_id, format_time(item.replied_at), item.unit, caller,
                str(item.attempts) if item.attempts else "",
                str(item.redo_count) if item.redo_count else "", item.reply)[column]


class CallbackScreen(QWidget):
    def __init__(self, tasks: TaskRunner, *, role: Role, actor: str,
                 now: Callable[[], datetime] = china_now, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._actor = actor
        self._now = now
        self._loading = False
        self._again = False
        self.model = CallbackListModel(self)
        self.table = QTableView()
        self.table.setObjectName("callback_list")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((150, 120, 150, 150, 60, 50)):
            self.table.setColumnWidth(column, width)
        self.count_label = plain_label()
        self.count_label.setObjectName("callback_count")

        self.detail = TicketDetailView(
            tasks, role=role, actor=actor,
            action_kinds=LEAD_ACTIONS if role in (Role.LEAD, Role.ADMIN) else frozenset(),
            now=now)
        self.detail.setObjectName("callback_detail")
        # The ratings form of the command layer, and what the ratings lead to.
        self.record_button = QPushButton(self.tr("Record ratings… (Alt+P)"))
        self.record_button.setObjectName("record_callback")
        self.not_reached_button = QPushButton(self.tr("Not reached (Alt+N)"))
        self.not_reached_button.setObjectName("callback_not_reached")
        self.close_button = QPushButton(self.tr("Close without callback (Alt+C)"))
        self.close_button.setObjectName("close_without_callback")
        self.hint = plain_label()
        self.hint.setObjectName("callback_hint")
        self.hint.setWordWrap(True)
        self.error = FieldError()
        self.error.setObjectName("callback_error")
        buttons = QHBoxLayout()
        for button in (self.record_button, self.not_reached_button, self.close_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.hint)
        right_layout.addWidget(self.error)
        right_layout.addWidget(self.detail, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.count_label)
        left_layout.addWidget(self.table, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.record_button.clicked.connect(self.start_ratings)
        self.not_reached_button.clicked.connect(self.not_reached)
        self.close_button.clicked.connect(self.close_unrated)
        self.detail.panel.submitted.disconnect()  # ratings are composed here, not sent alone
        self.detail.panel.submitted.connect(self._panel_submitted)
        self.detail.runner.refused.connect(lambda _id, reason: self.error.show_message(reason))
        self.detail.runner.saved.connect(lambda _id: self.error.clear_message())
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        tasks.changes.connect(self._on_changes)
        # After a recording the next ticket of the list is chosen: row of the one just done.
        self._advance_from: tuple[str, int] | None = None
        self.detail.runner.saved.connect(self._recorded)
        for keys, slot in (("Alt+P", self.start_ratings), ("Alt+N", self.not_reached),
                           ("Alt+C", self.close_unrated), ("Ctrl+T", self.table.setFocus)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.detail.install_shortcuts(self)
        self._show_buttons(None)
        self.refresh()

    def shortcut_help(self) -> list[tuple[str, str]]:
        return [("Ctrl+T", self.tr("The callback list (arrow keys choose)")),
                ("Alt+P", self.tr("Record the ratings")),
                ("Alt+N", self.tr("Caller not reached")),
                ("Alt+C", self.tr("Close without callback")),
                *[entry for entry in self.detail.shortcut_help()
                  if entry[0] not in ("Alt+P", "Alt+N", "Alt+C")]]

    def _recorded(self, ticket_id: str) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._advance_from = (ticket_id, index.row())

    # The worklist ------------------------------------------------------------------------------
    def refresh(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._tasks.run_db(load_callbacks, on_done=self._show, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        self.error.show_message(failure_text(exc))

    def _show(self, items: list[CallbackItem]) -> None:
        self._loading = False
        chosen = self.current_item()
        selection = self.table.selectionModel()
        # The same ticket stays chosen, quietly: a form open on it must stay open.
        selection.blockSignals(True)
        self.model.set_rows(items)
        row = next((n for n, item in enumerate(items)
                    if chosen is not None and item.ticket_id == chosen.ticket_id), None)
        advance, self._advance_from = self._advance_from, None
        if row is not None and advance is None:
            self.table.selectRow(row)
        selection.blockSignals(False)
        self.table.viewport().update()
        self.count_label.setText(self.tr("%1 awaiting callback").replace("%1", str(len(items))))
        if advance is not None and items:
            done_id, done_row = advance
            # Gone from the list (closed, redo): the next one moved up into its row.
            # Still there (not reached): the one below it.
            following = done_row + 1 if row is not None and items[row].ticket_id == done_id \
                else done_row
            self.table.selectRow(min(following, len(items) - 1))
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            return self._again_if_needed()
        self._show_buttons(items[row] if row is not None else None)
        if row is None and chosen is not None:
            self.detail.show_ticket(None)
        self._again_if_needed()

    def _again_if_needed(self) -> None:
        if self._again:
            self._again = False
            self.refresh()

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(Topic.TICKETS, Topic.SYNC):
            self.refresh()

    def current_item(self) -> CallbackItem | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def select(self, ticket_id: str) -> bool:
        rows = [n for n in range(self.model.rowCount())
                if self.model.row(n).ticket_id == ticket_id]
        if rows:
            self.table.selectRow(rows[0])
        return bool(rows)

    def _chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.row(current.row()) if current.isValid() else None
        self.error.clear_message()
        self._show_buttons(item)
        self.detail.show_ticket(item.ticket_id if item else None)

    def _show_buttons(self, item: CallbackItem | None) -> None:
        for button in (self.record_button, self.not_reached_button):
            button.setEnabled(item is not None)
        may_close = item is not None and may_close_unrated(item.callback_permitted,
                                                           item.attempts)
        self.close_button.setEnabled(may_close)
        if item is None:
            self.hint.setText(self.tr("Choose a replied ticket, call the caller back and "
                                      "record how it went."))
        elif not item.callback_permitted:
            self.hint.setText(self.tr("The caller asked not to be called back: close the "
                                      "ticket."))
        elif item.attempts:
            self.hint.setText(self.tr("Not reached %1 time(s); after %2 the ticket may be "
                                      "closed without callback.")
                              .replace("%1", str(item.attempts))
                              .replace("%2", str(MAX_CALLBACK_ATTEMPTS)))
        else:
            self.hint.setText(self.tr("A dissatisfied result sends the ticket back to the unit "
                                      "for redo; otherwise it is closed."))

    # Acting ------------------------------------------------------------------------------------
    def start_ratings(self) -> None:
        """The command layer's ratings form, below the ticket."""
        if self.detail.detail is not None:
            self.detail.start(FollowUp.CALLBACK)

    def _panel_submitted(self, kind: CommandKind, data: dict[str, Any]) -> None:
        item = self.current_item()
        if item is None:
            return
        if kind is not FollowUp.CALLBACK:
            self.detail.runner.submit(item.ticket_id, kind, data, self._actor)
            return
        reason = self.tr("The caller was dissatisfied with the handling result.")
        self.detail.runner.perform(callback_commands(item.ticket_id, self._now(), self._actor,
                                                     data, redo_reason=reason))

    def not_reached(self) -> None:
        item = self.current_item()
        if item is not None:
            self.detail.runner.perform([TicketCommand(
                item.ticket_id, SideEvent.CALLBACK_NOT_REACHED, self._now(), self._actor)])

    def close_unrated(self) -> None:
        item = self.current_item()
        if item is not None:
            self.detail.runner.perform([TicketCommand(item.ticket_id, Action.CLOSE, self._now(),
                                                      self._actor)])
