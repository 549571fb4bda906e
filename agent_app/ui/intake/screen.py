"""The intake screen: the form, the caller's history beside it, drafts saved every second, and
a submit that never waits on the network (one Unit of Work: ticket + outbox mutation)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.category_search import CategoryIndex, catalogue_names, pinyin_keys
from agent_app.core.completeness import FieldIssue, Outcome
from agent_app.core.enums import Role
from agent_app.core.intake import IntakeState, build_ticket, check
from agent_app.core.reference import ReferenceData
from agent_app.storage import ops
from agent_app.storage.callers import caller_history, repeat_candidates
from agent_app.storage.database import Database
from agent_app.tasks import Changes, TaskRunner, Topic
from agent_app.ui.failures import failure_text
from agent_app.ui.intake.form import IntakeForm
from agent_app.ui.intake.history import CallerHistoryPanel
from agent_app.ui.intake.proposals import SmartIntakeProposals
from agent_app.ui.kb.panel import KbPanel
from agent_app.ui.ticket.detail import TicketDetailView
from agent_app.ui.widgets import plain_label

DRAFT_KIND = "intake"
AUTOSAVE_MS = 1000
LOOKUP_DELAY_MS = 250
PROPOSE_DELAY_MS = 400


def _now() -> datetime:
    return datetime.now(CHINA_TZ)


class IntakeScreen(QWidget):
    submitted = Signal(str)  # ticket id, once it is safely in the local database

    def __init__(self, tasks: TaskRunner, actor: str, *, kb_panel: KbPanel | None = None,
                 now: Callable[[], datetime] = _now, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._actor = actor
        self._now = now
        self._reference: ReferenceData | None = None
        self._draft_id = str(uuid.uuid4())
        self._answer_article = ""  # the KB article the answer was taken from, if any
        self._dirty = False
        self._lookup_generation = 0

        self.form = IntakeForm()
        self.smart = SmartIntakeProposals(self.form, tasks, now=now, shortcut_parent=self)
        self.history = CallerHistoryPanel()
        self.restore_box = self._build_restore_box()
        self.status = plain_label()
        self.status.setObjectName("intake_status")
        self.answer_button = QPushButton(self.tr("Answer directly (F9)"))
        self.answer_button.setObjectName("submit_answer")
        self.dispatch_button = QPushButton(self.tr("Dispatch (F10)"))
        self.dispatch_button.setObjectName("submit_dispatch")
        self.clear_button = QPushButton(self.tr("Clear (Esc)"))
        self.clear_button.setObjectName("clear_form")
        for button in (self.answer_button, self.dispatch_button, self.clear_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab stays inside the fields

        self._scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.form)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.restore_box)
        left_layout.addWidget(self.smart.banner)
        left_layout.addWidget(scroll, 1)
        # 通话计时 while the call is on, then 话后整理 (wrap-up) until the next call begins.
        self.call_clock = plain_label()
        self.call_clock.setObjectName("call_clock")
        self.call_clock.setStyleSheet("color: #2e86c1; font-weight: bold;")
        self._wrap_up_since: datetime | None = None
        buttons = QHBoxLayout()
        buttons.addWidget(self.call_clock)
        buttons.addWidget(self.status, 1)
        for button in (self.clear_button, self.answer_button, self.dispatch_button):
            buttons.addWidget(button)
        left_layout.addLayout(buttons)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.history)
        self.kb_panel = kb_panel
        if kb_panel is not None:
            right.addWidget(kb_panel)
            right.setStretchFactor(1, 3)
            kb_panel.answer_chosen.connect(self.use_answer)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._autosave = QTimer(self)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_draft)
        self._autosave.timeout.connect(self.show_call_time)
        self._autosave.start()
        self._lookup = QTimer(self)
        self._lookup.setSingleShot(True)
        self._lookup.setInterval(LOOKUP_DELAY_MS)
        self._lookup.timeout.connect(self.look_up_caller)
        # The KB panel proposes articles from what the operator types about the call.
        self._propose = QTimer(self)
        self._propose.setSingleShot(True)
        self._propose.setInterval(PROPOSE_DELAY_MS)
        self._propose.timeout.connect(self._propose_articles)
        self.form.content.textChanged.connect(self._propose.start)

        self.form.edited.connect(self._mark_dirty)
        self.form.lookup_changed.connect(self._lookup.start)
        self.answer_button.clicked.connect(lambda: self.submit(Outcome.ANSWER))
        self.dispatch_button.clicked.connect(lambda: self.submit(Outcome.DISPATCH))
        self.clear_button.clicked.connect(self.confirm_clear)
        self.history.merge_requested.connect(self.merge_into)
        self.smart.merge_requested.connect(self.merge_into)
        self.history.follow_up_requested.connect(self.add_follow_up)
        self.history.open_requested.connect(self.open_past_ticket)
        self._prefilled_name = ""  # the caller's name as history gave it, not typed
        self._install_shortcuts()
        tasks.changes.connect(self._on_changes)

        self.form.start_new(None)  # no call yet: the time is taken at the first keystroke
        self._load_reference()
        tasks.run_db(lambda db: ops.latest_draft(db, DRAFT_KIND), on_done=self._offer_draft)

    # Keyboard ---------------------------------------------------------------------------------
    def shortcut_help(self) -> list[tuple[str, str]]:
        return [
            ("Ctrl+Enter", self.tr("Submit with the chosen handling")),
            ("F9", self.tr("Answer directly and close")),
            ("F10", self.tr("Dispatch to the chosen unit")),
            ("Esc", self.tr("Clear the form (asks first)")),
            ("F2", self.tr("Caller phone")),
            ("F3", self.tr("Category (type name, code or pinyin initials)")),
            ("F4", self.tr("Location")),
            ("F7", self.tr("Content")),
            ("F8", self.tr("Caller history (Enter opens a past ticket)")),
            ("Ctrl+M", self.tr("Merge the call into the repeat ticket (并单, asks first)")),
            ("Ctrl+U", self.tr("Add the call to the repeat ticket as a follow-up")),
            *self.smart.shortcut_help(),
            *([("F6", self.tr("Search the knowledge base"))] if self.kb_panel else []),
            *(self.kb_panel.shortcut_help() if self.kb_panel else []),
        ]

    def _install_shortcuts(self) -> None:
        bindings: list[tuple[str, Callable[[], object]]] = [
            ("Ctrl+Return", lambda: self.submit(self.form.outcome())),
            ("Ctrl+Enter", lambda: self.submit(self.form.outcome())),
            ("F9", lambda: self.submit(Outcome.ANSWER)),
            ("F10", lambda: self.submit(Outcome.DISPATCH)),
            ("Esc", self.confirm_clear),
            ("F2", lambda: self.form.focus_field("caller_phone")),
            ("F3", lambda: self.form.focus_field("category")),
            ("F4", lambda: self.form.focus_field("location")),
            ("F7", lambda: self.form.focus_field("content")),
            ("F8", lambda: self.history.table.setFocus()),
            ("F6", self._focus_kb),
            ("Ctrl+M", self.history.merge),
            ("Ctrl+U", self.history.follow_up),
        ]
        for keys, slot in bindings:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _focus_kb(self) -> None:
        if self.kb_panel is not None:
            self.kb_panel.focus_search()

    def _propose_articles(self) -> None:
        if self.kb_panel is not None:
            self.kb_panel.propose_from_text(self.form.content.text())

    def use_answer(self, article_id: str, text: str) -> None:
        """An article from the KB becomes the answer given on the call: 直接答复. The ticket
        records which article (and version) it was."""
        self._answer_article = article_id
        self.form.set_outcome(Outcome.ANSWER)
        self.form.answer.set_text(text)
        self.form.focus_field("answer")
        self.status.setText(self.tr("Answer taken from the knowledge base: check it, then F9."))

    def show_call_time(self) -> None:
        now = self._now()
        started = _parse_time(self.form.received_at)
        if started is not None:
            self.call_clock.setText(self.tr("Call %1").replace("%1", _minutes(now - started)))
        elif self._wrap_up_since is not None:
            self.call_clock.setText(self.tr("Wrap-up %1").replace(
                "%1", _minutes(now - self._wrap_up_since)))
        else:
            self.call_clock.setText("")

    # Reference data ---------------------------------------------------------------------------
    def _load_reference(self) -> None:
        self._tasks.with_reference(self._set_reference)

    def _set_reference(self, reference: ReferenceData) -> None:
        self._reference = reference
        self.form.set_reference(reference)
        # pypinyin takes a moment to load: build the category index off the GUI thread.
        self._tasks.run_net(lambda: CategoryIndex.build(reference.catalogue),
                            on_done=self.form.category.set_index)
        self._tasks.run_net(lambda: pinyin_keys(catalogue_names(reference.catalogue)),
                            on_done=self.form.set_pinyin)

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(Topic.REFERENCE):
            self._load_reference()

    # Calls ------------------------------------------------------------------------------------
    def start_call(self, phone: str) -> None:
        """Screen pop: a new form for this number. What was being typed stays a draft; a
        form that holds only a popped number is nothing to keep."""
        if not self._untouched(self.form.state()):
            self.save_draft(force=True)
        self._draft_id = str(uuid.uuid4())
        self._answer_article = ""
        self._dirty = False
        self.form.start_new(self._now(), phone=phone)
        self._wrap_up_since = None
        self._clear_last_call()
        self.status.setText(self.tr("Incoming call from %1").replace("%1", phone))
        self.form.focus_field("caller_name")
        self.look_up_caller()

    def look_up_caller(self) -> None:
        state = self.form.state()
        self._lookup_generation += 1
        generation = self._lookup_generation
        now = self._now()

        def job(db: Database) -> tuple[list[Any], list[Any]]:
            phone = "" if state.phone_withheld else state.caller.phone
            return caller_history(db, phone), repeat_candidates(db, state, now)

        def show(result: tuple[list[Any], list[Any]]) -> None:
            if generation != self._lookup_generation:
                return  # the operator typed on: an older answer must not overwrite a newer one
            history, repeats = result
            self.history.show_history(history)
            self.history.show_repeat(repeats[0] if repeats else None)
            self._prefill_name(history)

        self._tasks.run_db(job, on_done=show)

    def _prefill_name(self, history: list[Any]) -> None:
        """A known caller is addressed as last time (the operator may change it)."""
        known = next((row.caller_name for row in history if row.caller_name), "")
        if known and not self.form.caller_name.text().strip():
            self._prefilled_name = known
            self.form.caller_name.setText(known)

    def open_past_ticket(self, ticket_id: str) -> None:
        """A past ticket of this caller in full, over the form; Esc goes back to the call."""
        dialog = QDialog(self)
        dialog.setWindowTitle(ticket_id)
        detail = TicketDetailView(self._tasks, role=Role.OPERATOR, actor=self._actor,
                                  action_kinds=frozenset(), parent=dialog)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(detail, 1)
        layout.addWidget(buttons)
        dialog.resize(720, min(640, max(self.height(), 400)))
        detail.show_ticket(ticket_id)
        self.past_ticket_dialog = dialog
        dialog.finished.connect(lambda _result: self.history.table.setFocus())
        dialog.open()

    # Submit -----------------------------------------------------------------------------------
    def submit(self, outcome: Outcome) -> None:
        if self._reference is None:
            return
        if outcome is Outcome.DISPATCH and self.form.outcome() is not Outcome.DISPATCH:
            # The unit row is hidden while answering: never dispatch to a unit the operator
            # has not seen. Show it with the suggestion and wait for a second F10.
            self.form.set_outcome(Outcome.DISPATCH)
            issues = check(self.form.state(), Outcome.DISPATCH)
            if issues:
                self._show_issues(issues)
                return
            self.form.focus_field("unit")
            self._scroll.ensureWidgetVisible(self.form.unit)
            unit = self.form.unit.currentData() or ""
            self.status.setText(
                self.tr("Check the unit (%1) and the deadline, then press F10 again to "
                        "dispatch.").replace("%1", unit or self.tr("none chosen")))
            return
        self.form.set_outcome(outcome)
        state = self.form.state()
        if outcome is Outcome.ANSWER and self._answer_article:
            state = replace(state, answer_article_id=self._answer_article)
        issues = check(state, outcome)
        if issues:
            self._show_issues(issues)
            return
        ticket = build_ticket(state, outcome, self._reference, actor=self._actor,
                              now=self._now())
        draft_id = self._draft_id
        # The form is ready for the next call at once; the save runs on the DB worker and,
        # should it fail, the typed state comes back.
        self._reset()
        self._wrap_up_since = self._now()
        self.show_call_time()

        def failed(exc: BaseException) -> None:
            self.form.set_state(state, outcome)
            self._draft_id = draft_id
            self._dirty = True
            self.status.setText(self.tr("Could not save: %1").replace("%1", failure_text(exc)))

        def saved(_mutation_id: int) -> None:
            if ticket.unit:
                self.status.setText(self.tr("Saved %1, dispatched to %2.")
                                    .replace("%1", ticket.id).replace("%2", ticket.unit))
            else:
                self.status.setText(self.tr("Saved %1.").replace("%1", ticket.id))
            self.submitted.emit(ticket.id)

        self._tasks.run_db(lambda db: ops.register_ticket(db, ticket, draft_id=draft_id),
                           on_done=saved, on_error=failed)

    def _show_issues(self, issues: list[FieldIssue]) -> None:
        self.form.show_issues(issues)
        self.status.setText(self.tr("Not saved: %1 field(s) need attention.")
                            .replace("%1", str(len(issues))))

    def merge_into(self, target_id: str) -> None:
        answer = QMessageBox.question(
            self, self.tr("Merge the call (并单)"),
            self.tr("Merge this call into %1? It is registered and closed as merged; %1 gets "
                    "what the caller said as a note.").replace("%1", target_id),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._link_to(target_id, ops.merge_call_into, self.tr("Merged into %1."))

    def add_follow_up(self, target_id: str) -> None:
        self._link_to(target_id, ops.add_call_as_follow_up, self.tr("Added to %1 as a follow-up."))

    def _link_to(self, target_id: str, operation: Callable[..., Any], done_text: str) -> None:
        state = self.form.state()
        draft_id = self._draft_id
        self._reset()
        self._wrap_up_since = self._now()
        self.show_call_time()

        def failed(exc: BaseException) -> None:
            self.form.set_state(state)
            self._draft_id = draft_id
            self._dirty = True
            self.status.setText(self.tr("Could not save: %1").replace("%1", failure_text(exc)))

        self._tasks.run_db(
            lambda db: operation(db, state, target_id, actor=self._actor, now=self._now(),
                                 draft_id=draft_id),
            on_done=lambda _r: self.status.setText(done_text.replace("%1", target_id)),
            on_error=failed)

    # Clearing and drafts ----------------------------------------------------------------------
    def confirm_clear(self) -> None:
        if self.form.state().is_blank():
            self._reset()
            return
        answer = QMessageBox.question(
            self, self.tr("Clear the form"),
            self.tr("Discard everything typed in this form?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Discard:
            draft_id = self._draft_id
            self._tasks.run_db(lambda db: ops.discard_draft(db, draft_id))
            self._reset()

    def _reset(self) -> None:
        self._answer_article = ""
        self._draft_id = str(uuid.uuid4())
        self._dirty = False
        self.form.start_new(None)
        self._clear_last_call()
        self.form.focus_field("caller_phone")

    def _untouched(self, state: IntakeState) -> bool:
        """Only what the screen pop and the caller history filled in: nothing typed."""
        if self._prefilled_name and state.caller_name == self._prefilled_name:
            state = replace(state, caller_name="")
        return _holds_only_a_number(state)

    def _clear_last_call(self) -> None:
        """Nothing of the last caller stays on screen for the next one."""
        self._prefilled_name = ""
        self.history.show_history([])
        self.history.show_repeat(None)
        if self.kb_panel is not None:
            self.kb_panel.reset()

    def _mark_dirty(self) -> None:
        self._dirty = True
        if not self.form.received_at and not self.form.state().is_blank():
            self.form.mark_call_started(self._now())
            self._wrap_up_since = None
            self.status.clear()  # the last call's "Saved …" is not about this one

    def save_draft(self, *, force: bool = False) -> None:
        if not (self._dirty or force):
            return
        state = self.form.state()
        if self._untouched(state):
            return  # a screen pop nobody typed into: no draft to offer at the next start
        self._dirty = False
        draft_id, payload = self._draft_id, state.to_dict()
        self._tasks.run_db(
            lambda db: ops.autosave_draft(db, draft_id, DRAFT_KIND, payload))

    def _build_restore_box(self) -> QFrame:
        box = QFrame()
        box.setObjectName("restore_draft")
        box.setStyleSheet("QFrame#restore_draft { background: #eaf2fb; "
                          "border: 1px solid #5dade2; }")
        self.restore_text = plain_label()
        self.restore_text.setWordWrap(True)  # it quotes the draft's caller, of any length
        restore = QPushButton(self.tr("Restore"))
        restore.setObjectName("restore_button")
        discard = QPushButton(self.tr("Discard"))
        discard.setObjectName("discard_button")
        layout = QHBoxLayout(box)
        layout.addWidget(self.restore_text, 1)
        layout.addWidget(restore)
        layout.addWidget(discard)
        restore.clicked.connect(self.restore_draft)
        discard.clicked.connect(self.discard_offered_draft)
        box.hide()
        self._offered: tuple[str, dict[str, Any]] | None = None
        return box

    def _offer_draft(self, draft: tuple[str, dict[str, Any]] | None) -> None:
        if draft is None or draft[0] == self._draft_id:
            return
        state = IntakeState.from_dict(draft[1])
        if _holds_only_a_number(state):
            # Left by a screen pop of an earlier release: nothing to restore, no banner.
            draft_id = draft[0]
            self._tasks.run_db(lambda db: ops.discard_draft(db, draft_id))
            self._tasks.run_db(lambda db: ops.latest_draft(db, DRAFT_KIND),
                               on_done=self._offer_draft)
            return
        self._offered = draft
        who = state.caller_phone or state.caller_name or self.tr("unknown caller")
        self.restore_text.setText(self.tr("An unfinished appeal (%1) was not submitted. "
                                          "Restore it?").replace("%1", who))
        self.restore_box.show()

    def restore_draft(self) -> None:
        if self._offered is None:
            return
        draft_id, payload = self._offered
        self._offered = None
        self.restore_box.hide()
        self._draft_id = draft_id
        self.form.set_state(IntakeState.from_dict(payload))
        self._dirty = False
        self.look_up_caller()

    def discard_offered_draft(self) -> None:
        if self._offered is None:
            return
        draft_id = self._offered[0]
        self._offered = None
        self.restore_box.hide()
        self._tasks.run_db(lambda db: ops.discard_draft(db, draft_id))
        # An older draft may be waiting behind this one.
        self._tasks.run_db(lambda db: ops.latest_draft(db, DRAFT_KIND), on_done=self._offer_draft)


def _holds_only_a_number(state: IntakeState) -> bool:
    """Blank but for the caller's number (what a screen pop fills in)."""
    return replace(state, caller_phone="", phone_withheld=False).is_blank()


def _parse_time(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _minutes(span: timedelta) -> str:
    seconds = max(int(span.total_seconds()), 0)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
