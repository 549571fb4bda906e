"""The unit workbench (单位工作台): what a handling unit, a street or a dispatch centre signed in
as a unit account does with its own queue — 签收, reply, return with a listed reason, ask for
an extension, pass down, reply or return up, review a reply from below, assisting replies.

Units do not sync a local cache (the server shows them their own tickets only): the queue
comes from GET /unit/tickets and every action is a unit endpoint, which re-checks it; the
client offers only what the core says this unit may do now (actions.allowed_commands and
authorise_unit), and a refusal is shown in Chinese next to the form.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.actions import (
    COMMAND_LABELS,
    UNIT_STEP_PATHS,
    CommandKind,
    CommandRefusedError,
    NetworkStep,
    allowed_commands,
    authorise_unit,
    parse_kind,
    received_at,
)
from agent_app.core.calendar import CHINA_TZ, WorkingCalendar
from agent_app.core.catalogue import Catalogue
from agent_app.core.enums import Role
from agent_app.core.interchange import InterchangeError, ticket_from_dict
from agent_app.core.lifecycle import Action, SideEvent
from agent_app.core.models import Ticket
from agent_app.core.network import LEVEL_LABELS, Network, assisting_units, shipped_network
from agent_app.core.wire import MIN_REASON_CHARS, MIN_REPLY_CHARS
from agent_app.paths import resources_dir
from agent_app.sync.client import ApiError
from agent_app.tasks import TaskRunner
from agent_app.ui.failures import failure_text
from agent_app.ui.i18n import tr_label
from agent_app.ui.widgets import plain_label

# What the form of each action a unit may take (core's UNIT_STEP_PATHS) asks for.
NEEDS_TEXT = {Action.REPLY, NetworkStep.REPLY_UP, NetworkStep.ASSIST_REPLY}
NEEDS_REASON_CODE = {Action.RETURN, NetworkStep.RETURN_UP}
NEEDS_UNIT = {NetworkStep.PASS_DOWN, NetworkStep.REQUEST_ASSIST}
Get = Callable[[str], Any]
Post = Callable[[str, dict[str, Any]], Any]


def unit_of(code: str | None, network: Network, catalogue: Catalogue) -> str | None:
    """The unit name an account's code stands for: the catalogue's, else a network place."""
    unit = next((u for u in catalogue.units if u.code == code), None)
    return unit.name if unit else network.unit_named_by_code(code)


def unit_actions(ticket: Ticket, unit: str) -> list[CommandKind]:
    """What this unit may do to this ticket now, as the server will check it."""
    kinds = []
    for kind in allowed_commands(ticket, Role.UNIT):
        if kind not in UNIT_STEP_PATHS:
            continue
        try:
            authorise_unit(ticket, kind, unit)
        except CommandRefusedError:
            continue
        kinds.append(kind)
    return kinds


def countdown(ticket: Ticket, network: Network, calendar: WorkingCalendar, now: datetime
              ) -> tuple[str, timedelta | None]:
    """("accept" | "handle", time left): the acceptance limit while not yet 签收, else the
    deadline; None when the ticket has no time limit."""
    received = received_at(ticket)
    if ticket.status.value == "dispatched" and received is not None:
        return "accept", network.acceptance_deadline(ticket, received, calendar) - now
    if ticket.deadline is not None:
        return "handle", ticket.deadline - now
    return "handle", None


class UnitWorkbench(QWidget):
    def __init__(self, tasks: TaskRunner, *, unit_code: str | None, get: Get, post: Post,
                 refresh_ms: int = 30_000, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks, self._get, self._post = tasks, get, post
        self.network = shipped_network()
        self.calendar = WorkingCalendar()
        catalogue = Catalogue.load(resources_dir() / "catalogues")
        self.unit = unit_of(unit_code, self.network, catalogue)
        self._assist_choices = [u.name for u in catalogue.units if u.name != self.unit]
        self.tickets: list[Ticket] = []
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)

        level = self.network.level_of(self.unit)
        heading = (self.tr("Unit: %1").replace("%1", self.unit) if self.unit
                   else self.tr("This account is not linked to a handling unit: ask IT."))
        if level is not None:
            heading += f" · {QCoreApplication.translate('Network', LEVEL_LABELS[level])}"
        self.heading = plain_label(heading)
        self.heading.setObjectName("unit_heading")
        self.refresh_button = QPushButton(self.tr("&Refresh (F5)"))
        self.refresh_button.clicked.connect(self.refresh)

        self.table = QTableWidget(0, 6)
        self.table.setObjectName("unit_queue")
        self.table.setHorizontalHeaderLabels([
            self.tr("Ticket"), self.tr("Status"), self.tr("Category"), self.tr("Place"),
            self.tr("Our part"), self.tr("Time left")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column in (0, 1, 4, 5):  # ids, states and countdowns are read whole
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selected)

        self.content = QPlainTextEdit()
        self.content.setObjectName("ticket_content")
        self.content.setReadOnly(True)
        self.action = QComboBox()
        self.action.setObjectName("unit_action")
        self.action.currentIndexChanged.connect(self._action_changed)
        self.target = QComboBox()
        self.target.setObjectName("unit_target")
        self.reason_code = QComboBox()
        self.reason_code.setObjectName("reason_code")
        for reason in self.network.return_reasons:
            self.reason_code.addItem(reason.name, reason.code)
        self.decision = QComboBox()
        self.decision.setObjectName("decision")
        self.decision.addItem(self.tr("Accept the reply"), "accepted")
        self.decision.addItem(self.tr("Send it back"), "sent_back")
        self.until = QDateTimeEdit()
        self.until.setObjectName("extension_until")
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.text = QPlainTextEdit()
        self.text.setObjectName("unit_text")
        self.text.setPlaceholderText(self.tr("Reply, reason or note"))
        self.text.setTabChangesFocus(True)
        self.submit = QPushButton(self.tr("&Submit (Ctrl+Enter)"))
        self.submit.setObjectName("unit_submit")
        self.submit.clicked.connect(self.run_action)
        self.error = plain_label()
        self.error.setObjectName("unit_error")
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        self.status = plain_label()
        self.status.setObjectName("unit_status")

        form = QFormLayout()
        form.addRow(self.tr("&Action"), self.action)
        self._rows: dict[str, QWidget] = {"target": self.target, "reason_code": self.reason_code,
                                         "decision": self.decision, "until": self.until}
        form.addRow(self.tr("Unit"), self.target)
        form.addRow(self.tr("Return reason"), self.reason_code)
        form.addRow(self.tr("Decision"), self.decision)
        form.addRow(self.tr("Extend until"), self.until)
        form.addRow(self.tr("Text"), self.text)
        self._form = form
        side = QVBoxLayout()
        side.addWidget(plain_label(self.tr("Appeal")))
        side.addWidget(self.content, 1)
        side.addLayout(form)
        side.addWidget(self.error)
        side.addWidget(self.submit)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.refresh_button)
        body = QHBoxLayout()
        body.addWidget(self.table, 3)
        body.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        layout.addWidget(self.status)

        QShortcut(QKeySequence("F5"), self, self.refresh)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.run_action)
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self._clock = QTimer(self)
        self._clock.setInterval(30_000)
        self._clock.timeout.connect(self._update_countdowns)
        self._clock.start()
        self._action_changed()
        if self.unit:
            self.refresh()

    # The queue -----------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.unit:
            return
        self.status.setText(self.tr("Loading the unit's tickets…"))
        self._tasks.run_net(lambda: self._get("/unit/tickets"), on_done=self._loaded,
                            on_error=self._load_failed)

    def _loaded(self, rows: list[dict[str, Any]]) -> None:
        chosen = self.selected_ticket()
        tickets = []
        for row in rows:
            try:
                tickets.append(ticket_from_dict(row))
            except InterchangeError:
                continue  # a ticket this version cannot read stays on the server
        self.tickets = tickets
        self.table.setRowCount(len(tickets))
        for number, ticket in enumerate(tickets):
            assisting = self.unit in assisting_units(ticket.events) and ticket.unit != self.unit
            cells = [ticket.id, tr_label(ticket.status),
                     f"{ticket.category.level1} / {ticket.category.level2}"
                     if ticket.category else "—",
                     " ".join(filter(None, [ticket.location.street, ticket.location.community])),
                     self.tr("Assisting") if assisting else self.tr("Lead"), ""]
            for column, text in enumerate(cells):
                self.table.setItem(number, column, QTableWidgetItem(text))
        self._update_countdowns()
        self.status.setText(self.tr("%1 ticket(s)").replace("%1", str(len(tickets))))
        row = next((i for i, t in enumerate(tickets) if chosen and t.id == chosen.id), 0)
        if tickets:
            self.table.selectRow(row)
        self._selected()  # the same row selected again emits nothing: rebuild the actions

    def _load_failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("The unit's tickets could not be loaded; retrying later."))

    def _update_countdowns(self) -> None:
        now = self.now()
        for number, ticket in enumerate(self.tickets):
            what, left = countdown(ticket, self.network, self.calendar, now)
            item = QTableWidgetItem(self._left_text(what, left))
            if left is not None and left < timedelta(0):
                item.setForeground(Qt.GlobalColor.red)
            self.table.setItem(number, 5, item)

    def _left_text(self, what: str, left: timedelta | None) -> str:
        if left is None:
            return "—"
        minutes = int(abs(left).total_seconds() // 60)
        span = (self.tr("%1 d %2 h").replace("%1", str(minutes // 1440))
                .replace("%2", str(minutes % 1440 // 60)) if minutes >= 1440 else
                self.tr("%1 h %2 min").replace("%1", str(minutes // 60))
                .replace("%2", str(minutes % 60)))
        if left < timedelta(0):
            return (self.tr("Accept: late by %1") if what == "accept"
                    else self.tr("Overdue by %1")).replace("%1", span)
        return (self.tr("Accept within %1") if what == "accept"
                else self.tr("Due in %1")).replace("%1", span)

    def selected_ticket(self) -> Ticket | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.tickets):
            return None
        return self.tickets[rows[0].row()]

    def _selected(self) -> None:
        ticket = self.selected_ticket()
        self.error.clear()
        self.action.clear()
        if ticket is None or not self.unit:
            self.content.setPlainText("")
            self._action_changed()
            return
        demand, address = self.tr("Demand"), self.tr("Address")
        self.content.setPlainText(f"{ticket.content}\n\n{demand}：{ticket.demand}"
                                  f"\n{address}：{ticket.address}")
        for kind in unit_actions(ticket, self.unit):
            self.action.addItem(QCoreApplication.translate("TicketCommandLabel",
                                                           COMMAND_LABELS[kind]), kind.value)
        self._action_changed()

    # The form ------------------------------------------------------------------------------
    def current_kind(self) -> CommandKind | None:
        value = self.action.currentData()  # Qt keeps the kind's wire name, as text
        return parse_kind(value) if value else None

    def _action_changed(self) -> None:
        kind = self.current_kind()
        shown = {
            "target": kind in NEEDS_UNIT,
            "reason_code": kind in NEEDS_REASON_CODE,
            "decision": kind is NetworkStep.REVIEW_REPLY,
            "until": kind is SideEvent.EXTENSION,
        }
        for key, widget in self._rows.items():
            self._form.setRowVisible(widget, shown[key])
        self._form.setRowVisible(self.text, kind is not None and kind is not Action.ACCEPT)
        self.submit.setEnabled(kind is not None)
        self.target.clear()
        ticket = self.selected_ticket()
        if kind is NetworkStep.PASS_DOWN and self.unit:
            for unit in self.network.children(self.unit):
                self.target.addItem(unit, unit)
        elif kind is NetworkStep.REQUEST_ASSIST and ticket is not None:
            for unit in self._assist_choices:
                self.target.addItem(unit, unit)
        if kind is SideEvent.EXTENSION and ticket is not None and ticket.deadline:
            later = ticket.deadline.astimezone(CHINA_TZ) + timedelta(days=5)
            self.until.setDateTime(QDateTime.fromString(later.strftime("%Y-%m-%d %H:%M"),
                                                        "yyyy-MM-dd HH:mm"))

    def request_body(self, kind: CommandKind) -> dict[str, Any]:
        text = self.text.toPlainText().strip()
        body: dict[str, Any] = {}
        if kind in NEEDS_TEXT:
            body["text"] = text
        if kind in NEEDS_UNIT:
            body["to_unit" if kind is NetworkStep.PASS_DOWN else "unit"] = (
                self.target.currentData() or "")
        if kind in NEEDS_REASON_CODE:
            body["reason_code"] = self.reason_code.currentData()
            body["reason"] = text or self.reason_code.currentText()
        if kind is NetworkStep.REVIEW_REPLY:
            body["decision"] = self.decision.currentData()
            if text:
                body["reason"] = text
        if kind is SideEvent.EXTENSION:
            until = self.until.dateTime().toPython().replace(tzinfo=CHINA_TZ)
            body["requested_deadline"] = until.isoformat()
            body["reason"] = text
        return body

    def run_action(self) -> None:
        ticket, kind = self.selected_ticket(), self.current_kind()
        if ticket is None or kind is None:
            return
        body = self.request_body(kind)
        problem = self._local_problem(kind, body)
        if problem:
            self.error.setText(problem)
            return
        self.error.clear()
        self.submit.setEnabled(False)
        path = f"/unit/tickets/{ticket.id}/{UNIT_STEP_PATHS[kind]}"
        self._tasks.run_net(lambda: self._post(path, body), on_done=self._done,
                            on_error=self._refused)

    def _local_problem(self, kind: CommandKind, body: dict[str, Any]) -> str:
        """What the server would refuse for sure, said at once next to the form."""
        if kind in NEEDS_TEXT and len(body.get("text", "").strip()) < MIN_REPLY_CHARS:
            return self.tr("Write at least 5 characters.")
        if kind is SideEvent.EXTENSION and len(body.get("reason", "").strip()) < MIN_REASON_CHARS:
            return self.tr("Give the reason for the extension.")
        if (kind is NetworkStep.REVIEW_REPLY and body.get("decision") == "sent_back"
                and len(body.get("reason", "").strip()) < MIN_REASON_CHARS):
            return self.tr("Say why the reply is sent back.")
        if kind in NEEDS_UNIT and not body.get("to_unit", body.get("unit")):
            return self.tr("Choose the unit.")
        return ""

    def _done(self, _result: Any) -> None:
        self.text.clear()
        self.status.setText(self.tr("Done."))
        self.refresh()

    def _refused(self, exc: BaseException) -> None:
        self.submit.setEnabled(True)
        # Refusals are the core's fixed sentences; the others are the server's own.
        self.error.setText(failure_text(exc) if isinstance(exc, ApiError)
                           else self.tr("The server could not be reached."))
