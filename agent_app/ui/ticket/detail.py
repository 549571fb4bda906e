"""One ticket in full: its fields, the timeline of events with who and when, insert-only notes,
and the actions the signed-in role may take now, each through the command layer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.actions import (
    COMMAND_LABELS,
    COMMAND_ROLES,
    EVENT_LABELS,
    CommandKind,
    FollowUp,
    allowed_commands,
    latest_event,
    merged_from,
    merged_into,
    needs_lead,
    unreached_attempt_numbers,
)
from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import Rating, Role, SupervisionLevel
from agent_app.core.lifecycle import Action, EventKind, SideEvent
from agent_app.core.models import Ticket, TicketEvent
from agent_app.core.queue import DeadlineState, time_left
from agent_app.core.reference import ReferenceData
from agent_app.storage.queue import TicketDetail, load_ticket_detail
from agent_app.tasks import Changes, TaskRunner, Topic
from agent_app.ui.i18n import tr_core, tr_label
from agent_app.ui.table_model import RowsTableModel
from agent_app.ui.ticket.commands import CommandRunner, refusal_text
from agent_app.ui.ticket.labels import sync_label, working_time_text
from agent_app.ui.ticket.panel import CommandPanel, format_time
from agent_app.ui.widgets import FieldError, plain_label

# One key per action, the same on every screen; Alt+F and Alt+H stay the menus'.
ACTION_KEYS: dict[CommandKind, str] = {
    Action.ANSWER: "Alt+A", Action.DISPATCH: "Alt+D", Action.ACCEPT: "Alt+K",
    Action.RETURN: "Alt+T", Action.REDISPATCH: "Alt+G", Action.REJECT_RETURN: "Alt+J",
    Action.REPLY: "Alt+Y", Action.CLOSE: "Alt+C", Action.REDO: "Alt+R", Action.MERGE: "Alt+M",
    SideEvent.EXTENSION: "Alt+X", SideEvent.SUPERVISION: "Alt+S",
    SideEvent.CALLBACK_NOT_REACHED: "Alt+N", FollowUp.CALLBACK: "Alt+P",
    FollowUp.EXTENSION_DECISION: "Alt+E", FollowUp.SPLIT: "Alt+L",
}
NOTE_KEY = "Alt+O"

STATE_COLOURS = {DeadlineState.OVERDUE: "#c0392b", DeadlineState.AMBER: "#d68910",
                 DeadlineState.OK: "#1e8449"}


def china_now() -> datetime:
    """The default clock of the ticket screens (tests pass their own)."""
    return datetime.now(CHINA_TZ)


class TimelineModel(RowsTableModel):
    """受理→派单→签收→答复→督办→办结→回访→评价, as the events say it happened."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([self.tr("When"), self.tr("What"), self.tr("Who"),
                          self.tr("Details")], parent)
        self._attempts: dict[str, int] = {}

    def set_rows(self, rows: Sequence[TicketEvent]) -> None:
        # The n-th unanswered callback since the unit's latest reply: events from older
        # releases and imports carry no attempt number, and "attempt ?" helps nobody.
        self._attempts = unreached_attempt_numbers(rows)
        super().set_rows(rows)

    def cell(self, event: TicketEvent, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return self.details(event)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return format_time(event.at)
        if column == 1:
            label = EVENT_LABELS.get(event.kind)
            return tr_core("TicketEvent", label) if label else event.kind
        if column == 2:
            return event.actor
        return self.details(event)

    def details(self, event: TicketEvent) -> str:
        data = event.data
        parts: list[str] = []
        if event.kind in (EventKind.DISPATCHED, EventKind.REDO) and data.get("unit"):
            parts.append(self.tr("to %1").replace("%1", str(data["unit"])))
        if event.kind == EventKind.CALLBACK:
            if data.get("reached"):
                parts.append(self.tr("result: %1, process: %2")
                             .replace("%1", _rating(data.get("result")))
                             .replace("%2", _rating(data.get("process"))))
            else:
                attempt = data.get("attempt") or self._attempts.get(event.id)
                parts.append(self.tr("not reached (attempt %1)").replace("%1", str(attempt))
                             if attempt else self.tr("not reached"))
        if event.kind == EventKind.EXTENSION:
            parts.append(self._extension(data))
        if event.kind == EventKind.SUPERVISED and data.get("level") in set(SupervisionLevel):
            parts.append(tr_label(SupervisionLevel(data["level"])))
        if event.kind == EventKind.MERGED and data.get("into"):
            parts.append(self.tr("into %1").replace("%1", str(data["into"])))
        if data.get("merged_from"):
            parts.append(self.tr("merged from %1").replace("%1", str(data["merged_from"])))
        if data.get("split_from"):
            parts.append(self.tr("split from %1").replace("%1", str(data["split_from"])))
        if event.kind == EventKind.SPLIT and data.get("to"):
            parts.append(self.tr("new ticket %1").replace("%1", str(data["to"])))
        for key in ("text", "reason", "notice", "remark"):
            if data.get(key):
                parts.append(str(data[key]))
        if data.get("deadline") and event.kind != EventKind.EXTENSION:
            parts.append(self.tr("deadline %1").replace("%1", _time_text(data["deadline"])))
        return " · ".join(parts)

    def _extension(self, data: dict[str, Any]) -> str:
        decision = data.get("decision")
        if decision == "pending":
            return self.tr("asks until %1").replace(
                "%1", _time_text(data.get("requested_deadline")))
        if decision == "approved":
            return self.tr("approved, new deadline %1").replace(
                "%1", _time_text(data.get("deadline")))
        return self.tr("denied")


def _reply_text(ticket: Ticket) -> str:
    """Tickets imported from older systems carry the unit's reply on the timeline only."""
    reply = latest_event(ticket, EventKind.REPLIED)
    return str(reply.data.get("text", "")) if reply else ""


def _rating(value: Any) -> str:
    return tr_label(Rating(value)) if value in set(Rating) else "—"


def _time_text(value: Any) -> str:
    try:
        return format_time(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


class TicketDetailView(QWidget):
    changed = Signal(str)  # a command on this ticket was saved locally

    def __init__(self, tasks: TaskRunner, *, role: Role, actor: str,
                 action_kinds: frozenset[CommandKind] | None = None,
                 now: Callable[[], datetime] = china_now, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._role, self._actor, self._now = role, actor, now
        self._action_kinds = action_kinds  # None: every action the role may take
        self._reference: ReferenceData | None = None
        self.detail: TicketDetail | None = None
        self._ticket_id: str | None = None
        self.runner = CommandRunner(tasks, self)
        self.runner.saved.connect(self._saved)
        self.runner.refused.connect(self._refused)

        self.heading = plain_label()
        self.heading.setObjectName("ticket_heading")
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)
        self.refusals = FieldError()
        self.refusals.setObjectName("ticket_refusals")
        self.flag = plain_label()
        self.flag.setStyleSheet("color: #c0392b; font-weight: bold;")
        self.flag.hide()
        self.changed_notice = plain_label()
        self.changed_notice.setObjectName("changed_by_someone_else")
        self.changed_notice.setWordWrap(True)
        self.changed_notice.setStyleSheet("background: #fff4e5; border: 1px solid #f0ad4e; "
                                          "padding: 4px;")
        self.changed_notice.hide()
        self.fields: dict[str, QLabel] = {}
        fields_form = QFormLayout()
        fields_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, title in self._field_titles():
            label = plain_label()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setObjectName(f"field_{key}")
            self.fields[key] = label
            fields_form.addRow(title, label)

        self.timeline_model = TimelineModel(self)
        self.timeline = QTableView()
        self.timeline.setObjectName("timeline")
        self.timeline.setModel(self.timeline_model)
        self.timeline.verticalHeader().hide()
        self.timeline.setWordWrap(True)
        header = self.timeline.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.timeline.setMinimumHeight(160)

        self.note_edit = QPlainTextEdit()
        self.note_edit.setObjectName("note_text")
        self.note_edit.setPlaceholderText(self.tr("Add a note (notes are kept, never edited)"))
        self.note_edit.setFixedHeight(54)
        self.note_button = QPushButton(self.tr("Add note"))
        self.note_button.setObjectName("add_note")
        self.note_button.clicked.connect(self.add_note)
        self.note_error = FieldError()
        note_row = QHBoxLayout()
        note_row.addWidget(self.note_edit, 1)
        note_row.addWidget(self.note_button)

        self.actions_box = QWidget()
        self.actions_layout = QGridLayout(self.actions_box)
        self.actions_layout.setContentsMargins(0, 0, 0, 0)
        self.action_buttons: dict[CommandKind, QPushButton] = {}
        self._build_action_buttons()
        self.panel = CommandPanel()
        self.panel.submitted.connect(self._submit)
        self.empty = plain_label(self.tr("Choose a ticket to see it here."))

        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(self.heading)
        inner.addWidget(self.flag)
        inner.addWidget(self.changed_notice)
        inner.addWidget(self.refusals)
        # The actions and an opened form first: at 1366×768 Confirm is on screen without
        # scrolling, and the buttons keep their places whatever the ticket's state.
        inner.addWidget(self.actions_box)
        inner.addWidget(self.panel)
        inner.addLayout(fields_form)
        inner.addWidget(plain_label(self.tr("Timeline")))
        inner.addWidget(self.timeline, 1)
        inner.addLayout(note_row)
        inner.addWidget(self.note_error)
        self.body = body
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(scroll, 1)
        self._scroll = scroll
        scroll.hide()
        # Never narrower than its row of action buttons: a splitter beside a wide list would
        # otherwise squeeze it and hide Confirm behind a horizontal scroll bar.
        self.setMinimumWidth(max(self.actions_box.sizeHint().width() + 40, 360))
        tasks.changes.connect(self._on_changes)
        self._load_reference()

    def _field_titles(self) -> list[tuple[str, str]]:
        return [("received", self.tr("Received")), ("channel", self.tr("Channel")),
                ("type", self.tr("Type / urgency")), ("category", self.tr("Category")),
                ("caller", self.tr("Caller")), ("place", self.tr("Place")),
                ("content", self.tr("Appeal")), ("demand", self.tr("Demand")),
                ("unit", self.tr("Unit")), ("deadline", self.tr("Deadline")),
                ("answer", self.tr("Answer / reply")), ("redo", self.tr("Redo count")),
                ("supervision", self.tr("Supervision")), ("links", self.tr("Linked tickets"))]

    # Loading ---------------------------------------------------------------------------------
    @property
    def ticket_id(self) -> str | None:
        return self._ticket_id

    def show_ticket(self, ticket_id: str | None) -> None:
        if ticket_id != self._ticket_id:
            self.panel.close_form()
            self.note_error.clear_message()
        self._ticket_id = ticket_id
        if ticket_id is None:
            self.detail = None
            self._render()
            return
        self._tasks.run_db(lambda db: load_ticket_detail(db, ticket_id),
                           on_done=lambda detail: self._loaded(ticket_id, detail))

    def _loaded(self, ticket_id: str, detail: TicketDetail | None) -> None:
        if ticket_id != self._ticket_id:
            return  # another ticket was chosen meanwhile
        before = self.detail
        if before is None or before.ticket.id != ticket_id:
            self.changed_notice.hide()
        elif detail is not None:
            self._say_what_others_changed(before.ticket, detail.ticket)
        self.detail = detail
        self._render()

    def _say_what_others_changed(self, before: Ticket, after: Ticket) -> None:
        """The ticket on show changed under the user's eyes (a sync brought someone else's
        step): say so at once, with who and what, before they act on the old state."""
        seen = {event.id for event in before.events}
        news = [e for e in after.events if e.id not in seen and e.actor != self._actor]
        if not news:
            return
        latest = news[-1]
        label = EVENT_LABELS.get(latest.kind)
        what = tr_core("TicketEvent", label) if label else latest.kind
        self.changed_notice.setText(
            self.tr("Changed by %1 just now (%2, %3): check before you act.")
            .replace("%1", latest.actor).replace("%2", what)
            .replace("%3", format_time(latest.at)))
        self.changed_notice.show()

    def _load_reference(self) -> None:
        self._tasks.with_reference(self._set_reference)

    def _set_reference(self, reference: ReferenceData) -> None:
        self._reference = reference
        self._render()

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(Topic.REFERENCE):
            self._load_reference()
        if changes.touches(Topic.TICKETS, Topic.SYNC) and self._ticket_id is not None:
            self.show_ticket(self._ticket_id)

    # Showing ---------------------------------------------------------------------------------
    def _render(self) -> None:
        detail = self.detail
        self._scroll.setVisible(detail is not None)
        self.empty.setVisible(detail is None)
        if detail is None:
            return
        ticket = detail.ticket
        self.heading.setText(f"{ticket.id} · {tr_label(ticket.status)} · "
                             f"{sync_label(detail.sync_state.value)}")
        self.refusals.show_message("\n".join(
            self.tr("Refused by the server: %1").replace("%1", refusal_text(reason))
            for reason in detail.refusals))
        self.flag.setText(self.tr("Redone twice: the team lead should look at this ticket."))
        self.flag.setVisible(needs_lead(ticket))
        caller = " ".join(p for p in (ticket.caller.name, ticket.caller.phone) if p)
        if ticket.confidential:
            caller = self.tr("%1 (confidential: never shown to units)").replace("%1", caller)
        category = str(ticket.category) if ticket.category else "—"
        links = []
        if merged_into(ticket):
            links.append(self.tr("merged into %1").replace("%1", merged_into(ticket) or ""))
        links += [self.tr("merged from %1").replace("%1", other)
                  for other in merged_from(ticket)]
        deadline = format_time(ticket.deadline)
        calendar = self._reference.calendar if self._reference else None
        left = (time_left(ticket.deadline, ticket.status.value, self._now(), calendar)
                if calendar else None)
        if left is not None:
            deadline += f"  ({working_time_text(left, calendar.working_minutes_per_day)})"
        values = {
            "received": format_time(ticket.created_at), "channel": tr_label(ticket.channel),
            "type": f"{tr_label(ticket.appeal_type)} / {tr_label(ticket.urgency)}",
            "category": category, "caller": caller or "—",
            "place": " ".join(p for p in (str(ticket.location), ticket.address) if p) or "—",
            "content": ticket.content or "—", "demand": ticket.demand or "—",
            "unit": ticket.unit or "—", "deadline": deadline,
            "answer": ticket.answer or _reply_text(ticket) or "—",
            "redo": str(ticket.redo_count),
            "supervision": tr_label(ticket.supervision_level) if ticket.supervision_level
            else "—",
            "links": ", ".join(links) or "—",
        }
        for key, value in values.items():
            self.fields[key].setText(value)
        colour = STATE_COLOURS.get(left.state) if left else None
        self.fields["deadline"].setStyleSheet(f"color: {colour};" if colour else "")
        self.timeline_model.set_rows(ticket.events)
        self.timeline.resizeColumnsToContents()
        self.timeline.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self._show_actions()

    def _slot_kinds(self) -> list[CommandKind]:
        """Every action this role could ever take here, in a fixed order: one button each."""
        return [kind for kind in ACTION_KEYS if self._role in COMMAND_ROLES[kind]
                and (self._action_kinds is None or kind in self._action_kinds)]

    def _build_action_buttons(self) -> None:
        for n, kind in enumerate(self._slot_kinds()):
            label = tr_core("TicketCommandLabel", COMMAND_LABELS[kind])
            button = QPushButton(f"{label} ({ACTION_KEYS[kind]})")
            button.setObjectName(f"action_{kind.value}")
            button.setEnabled(False)
            button.clicked.connect(lambda _checked=False, k=kind: self.start(k))
            self.actions_layout.addWidget(button, n // 3, n % 3)
            self.action_buttons[kind] = button

    def install_shortcuts(self, host: QWidget) -> None:
        """The action keys work anywhere on `host` (the screen with the list beside this)."""
        for kind in self.action_buttons:
            shortcut = QShortcut(QKeySequence(ACTION_KEYS[kind]), host)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda k=kind: self.start(k))
        note = QShortcut(QKeySequence(NOTE_KEY), host)
        note.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        note.activated.connect(self.focus_note)

    def shortcut_help(self) -> list[tuple[str, str]]:
        keys = [(ACTION_KEYS[kind], tr_core("TicketCommandLabel", COMMAND_LABELS[kind]))
                for kind in self.action_buttons]
        return [*keys, (NOTE_KEY, self.tr("Add a note")),
                ("Ctrl+Enter", self.tr("Confirm the open action form")),
                ("Esc", self.tr("Cancel the open action form"))]

    def offered(self) -> set[CommandKind]:
        """The actions that apply to the ticket on show now (their buttons are enabled)."""
        return {kind for kind, button in self.action_buttons.items() if button.isEnabled()}

    def focus_note(self) -> None:
        if self.note_edit.isEnabled() and self.detail is not None:
            self.note_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self._scroll.ensureWidgetVisible(self.note_edit)

    def _show_actions(self) -> None:
        if self.detail is None:
            for button in self.action_buttons.values():
                button.setEnabled(False)
            return
        ticket = self.detail.ticket
        allowed = allowed_commands(ticket, self._role)
        can_note = SideEvent.NOTE in allowed
        self.note_edit.setEnabled(can_note)
        self.note_button.setEnabled(can_note)
        # Buttons never move: what does not apply now is greyed out, not taken away, so a
        # second click lands on the same action, never on its neighbour.
        for kind, button in self.action_buttons.items():
            button.setEnabled(kind in allowed)
        if self.panel.kind is not None and self.panel.kind not in allowed:
            self.panel.close_form()  # the ticket moved on (a sync) while the form was open

    # Acting ----------------------------------------------------------------------------------
    def start(self, kind: CommandKind) -> None:
        """Open the form of one action for the ticket on show; it takes the focus."""
        button = self.action_buttons.get(kind)
        if self.detail is None or (button is not None and not button.isEnabled()):
            return
        if button is None and kind not in allowed_commands(self.detail.ticket, self._role):
            return
        self.panel.show_for(kind, self.detail.ticket, self._reference)
        self._scroll.ensureWidgetVisible(self.panel.confirm_button)
        self.panel.focus_first_field()

    def add_note(self) -> None:
        text = self.note_edit.toPlainText().strip()
        if self._ticket_id is None or not text:
            return
        self.note_button.setEnabled(False)
        self.runner.submit(self._ticket_id, SideEvent.NOTE, {"text": text}, self._actor)

    def _submit(self, kind: CommandKind, data: dict[str, Any]) -> None:
        if self._ticket_id is not None:
            self.runner.submit(self._ticket_id, kind, data, self._actor)

    def _saved(self, ticket_id: str) -> None:
        self.panel.close_form()
        self.note_edit.clear()
        self.note_button.setEnabled(True)
        self.note_error.clear_message()
        self.changed.emit(ticket_id)

    def _refused(self, _ticket_id: str, reason: str) -> None:
        self.note_button.setEnabled(True)
        if self.panel.kind is not None:
            self.panel.show_refusal(reason)
        else:
            self.note_error.show_message(reason)

