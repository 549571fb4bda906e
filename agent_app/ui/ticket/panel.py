"""The form of one ticket command, shown inline where the action was chosen: the unit to
(re-)dispatch to with routing suggestions, a reason, a reply, ratings, an extension decision
with its working-day deadline, a supervision notice from its template, a merge target or the
part to split off. The core checks what is entered; its refusal shows under the form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.actions import (
    COMMAND_LABELS,
    MAX_EXTENSION_WORKING_DAYS,
    NOTICE_TEMPLATES,
    R_EXTENSION_PAST,
    CommandKind,
    ExtensionDecision,
    FollowUp,
    next_supervision_level,
    pending_extension,
    supervision_notice,
)
from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import Rating
from agent_app.core.interchange import parse_time
from agent_app.core.lifecycle import Action, SideEvent
from agent_app.core.models import Ticket
from agent_app.core.reference import ReferenceData
from agent_app.core.routing import Reason, suggest_units
from agent_app.ui.i18n import tr_core, tr_label
from agent_app.ui.intake.fields import SearchableCombo
from agent_app.ui.widgets import FieldError, plain_label

REASON_KINDS = frozenset({Action.RETURN, Action.REJECT_RETURN, Action.REDO})
TEXT_KINDS = frozenset({Action.ANSWER, Action.REPLY, SideEvent.NOTE})
UNIT_KINDS = frozenset({Action.DISPATCH, Action.REDISPATCH})


def format_time(moment: datetime | None) -> str:
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if moment else "—"


def unit_choices(ticket: Ticket, reference: ReferenceData, reason_text: dict[Reason, str]
                 ) -> list[tuple[str, str]]:
    """(label, unit name): routing suggestions for the ticket's category and place first,
    then every other unit of the catalogue; never the unit that has it now. The routing table
    (core/routing.py) is the one source of suggestions, as on the intake form."""
    suggested = [s for s in suggest_units(reference.routing, reference.catalogue,
                                          ticket.category, ticket.location)
                 if s.unit.name != ticket.unit]
    names = {s.unit.name for s in suggested}
    choices = [(f"★ {s.unit.name}（{reason_text[s.reason]}）", s.unit.name)
               for s in suggested]
    choices += [(unit.name, unit.name) for unit in reference.catalogue.units
                if unit.name not in names and unit.name != ticket.unit]
    return choices


class CommandPanel(QWidget):
    submitted = Signal(object, object)  # CommandKind, data dict
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind: CommandKind | None = None
        self._ticket: Ticket | None = None
        self._reference: ReferenceData | None = None
        self._collect: Callable[[], dict[str, Any]] = dict
        self.title = plain_label()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.form_host = QWidget()
        self.error = FieldError()
        self.confirm_button = QPushButton(self.tr("Confirm"))
        self.confirm_button.setObjectName("confirm_command")
        self.cancel_button = QPushButton(self.tr("Cancel"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.form_host)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self._cancel)
        self.confirm_button.setText(self.tr("Confirm (Ctrl+Enter)"))
        self.cancel_button.setText(self.tr("Cancel (Esc)"))
        for keys, slot in (("Ctrl+Return", self.confirm), ("Ctrl+Enter", self.confirm),
                           ("Esc", self._cancel)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.hide()

    # Showing a form ---------------------------------------------------------------------------
    def show_for(self, kind: CommandKind, ticket: Ticket,
                 reference: ReferenceData | None) -> None:
        self.kind, self._ticket, self._reference = kind, ticket, reference
        self.title.setText(tr_core("TicketCommandLabel", COMMAND_LABELS[kind]))
        self.error.clear_message()
        # A fresh host per form: the fields, layouts and button groups of the last one go.
        host = QWidget()
        self.layout().replaceWidget(self.form_host, host)
        self.form_host.deleteLater()
        self.form_host = host
        form = QFormLayout(self.form_host)
        form.setContentsMargins(0, 0, 0, 0)
        self._collect = self._build(kind, ticket, reference, form)
        self.confirm_button.setEnabled(True)
        self.show()

    def _build(self, kind: CommandKind, ticket: Ticket, reference: ReferenceData | None,
               form: QFormLayout) -> Callable[[], dict[str, Any]]:
        if kind in UNIT_KINDS:
            return self._unit_form(ticket, reference, form)
        if kind in REASON_KINDS:
            return self._text_form(form, "reason", self.tr("Reason"))
        if kind in TEXT_KINDS:
            return self._text_form(form, "text", self.tr("Text"))
        if kind is Action.MERGE:
            self.into_edit = QLineEdit()
            self.into_edit.setObjectName("merge_into")
            self.into_edit.setPlaceholderText(self.tr("Number of the open ticket"))
            form.addRow(self.tr("Merge into"), self.into_edit)
            return lambda: {"into": self.into_edit.text().strip()}
        if kind is FollowUp.EXTENSION_DECISION:
            return self._extension_form(ticket, reference, form)
        if kind is SideEvent.SUPERVISION:
            return self._supervision_form(ticket, form)
        if kind is FollowUp.CALLBACK:
            return self._ratings_form(form)
        if kind is FollowUp.SPLIT:
            return self._split_form(form)
        form.addRow(plain_label(self.tr("Confirm to record this step.")))
        return dict

    def _text_form(self, form: QFormLayout, key: str, label: str
                   ) -> Callable[[], dict[str, Any]]:
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName(f"command_{key}")
        self.text_edit.setFixedHeight(70)
        form.addRow(label, self.text_edit)
        return lambda: {key: self.text_edit.toPlainText().strip()}

    def _unit_form(self, ticket: Ticket, reference: ReferenceData | None,
                   form: QFormLayout) -> Callable[[], dict[str, Any]]:
        self.unit_combo = SearchableCombo()  # type 城管 or cgj among the 145 units
        self.unit_combo.setObjectName("command_unit")
        reason_text = {Reason.CATEGORY: self.tr("responsible department"),
                       Reason.STREET: self.tr("street/town of the place"),
                       Reason.DISTRICT: self.tr("district of the place")}
        for label, name in unit_choices(ticket, reference, reason_text) if reference else []:
            self.unit_combo.addItem(label, name)
        self.unit_combo.index_items()
        form.addRow(self.tr("Unit"), self.unit_combo)
        return lambda: {"unit": self.unit_combo.currentData() or ""}

    def _extension_form(self, ticket: Ticket, reference: ReferenceData | None,
                        form: QFormLayout) -> Callable[[], dict[str, Any]]:
        request = pending_extension(ticket)
        if request is not None:
            form.addRow(self.tr("Unit asks until"), plain_label(format_time(
                _time_or_none(request.data.get("requested_deadline")))))
            form.addRow(self.tr("Because"), plain_label(str(request.data.get("reason", ""))))
        self.approve_radio = QRadioButton(self.tr("Approve"))
        self.approve_radio.setObjectName("approve_extension")
        self.deny_radio = QRadioButton(self.tr("Deny"))
        self.deny_radio.setObjectName("deny_extension")
        self.approve_radio.setChecked(True)
        choice = QHBoxLayout()
        choice.addWidget(self.approve_radio)
        choice.addWidget(self.deny_radio)
        form.addRow(self.tr("Decision"), choice)
        self.days_spin = QSpinBox()
        self.days_spin.setObjectName("extension_days")
        self.days_spin.setRange(1, MAX_EXTENSION_WORKING_DAYS)
        self.days_spin.setSuffix(self.tr(" working days"))
        self.days_spin.setValue(_working_days_asked(ticket, request, reference))
        self.new_deadline = plain_label()
        self.new_deadline.setObjectName("extension_new_deadline")
        form.addRow(self.tr("Extend by"), self.days_spin)
        form.addRow(self.tr("New deadline"), self.new_deadline)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("command_reason")
        self.text_edit.setFixedHeight(60)
        form.addRow(self.tr("Reason (when denied)"), self.text_edit)

        def preview() -> None:
            approve = self.approve_radio.isChecked()
            self.days_spin.setEnabled(approve)
            self.error.clear_message()
            if approve and reference is not None:
                now = datetime.now(CHINA_TZ)
                deadline = reference.calendar.add_working_days(ticket.deadline or now,
                                                               self.days_spin.value())
                self.new_deadline.setText(format_time(deadline))
                if deadline <= now:  # the core refuses it; say so before Confirm
                    self.error.show_message(tr_core("TicketCommand", R_EXTENSION_PAST))
            else:
                self.new_deadline.setText(format_time(ticket.deadline))

        self.days_spin.valueChanged.connect(preview)
        self.approve_radio.toggled.connect(preview)
        preview()

        def collect() -> dict[str, Any]:
            if self.approve_radio.isChecked():
                return {"decision": ExtensionDecision.APPROVED.value,
                        "working_days": self.days_spin.value()}
            return {"decision": ExtensionDecision.DENIED.value,
                    "reason": self.text_edit.toPlainText().strip()}
        return collect

    def _supervision_form(self, ticket: Ticket, form: QFormLayout
                          ) -> Callable[[], dict[str, Any]]:
        level = next_supervision_level(ticket)
        form.addRow(self.tr("Step"), plain_label(tr_label(level) if level else "—"))
        self.required_edit = QLineEdit(self.tr("Handle the appeal and reply before the "
                                               "deadline."))
        self.required_edit.setObjectName("supervision_required")
        self.notice_edit = QPlainTextEdit()
        self.notice_edit.setObjectName("supervision_notice")
        self.notice_edit.setFixedHeight(110)
        form.addRow(self.tr("Required of the unit"), self.required_edit)
        form.addRow(self.tr("Notice"), self.notice_edit)

        def fill() -> None:
            if level is not None:
                template = QCoreApplication.translate("SupervisionNotice",
                                                      NOTICE_TEMPLATES[level])
                self.notice_edit.setPlainText(supervision_notice(
                    template, ticket, required=self.required_edit.text()))

        self.required_edit.textChanged.connect(fill)
        fill()
        return lambda: {"level": level.value if level else "",
                        "notice": self.notice_edit.toPlainText().strip()}

    def _ratings_form(self, form: QFormLayout) -> Callable[[], dict[str, Any]]:
        self.result_group = self._rating_row(form, self.tr("Handling result"), "result")
        self.process_group = self._rating_row(form, self.tr("Service process"), "process")
        return lambda: {"result": _checked(self.result_group),
                        "process": _checked(self.process_group)}

    def _rating_row(self, form: QFormLayout, label: str, name: str) -> QButtonGroup:
        group = QButtonGroup(self.form_host)
        row = QHBoxLayout()
        for rating in Rating:
            button = QRadioButton(tr_label(rating))
            button.setObjectName(f"{name}_{rating.value}")
            button.setProperty("rating", rating.value)
            group.addButton(button)
            row.addWidget(button)
        form.addRow(label, row)
        return group

    def _split_form(self, form: QFormLayout) -> Callable[[], dict[str, Any]]:
        self.content_edit = QPlainTextEdit()
        self.content_edit.setObjectName("split_content")
        self.content_edit.setFixedHeight(70)
        self.demand_edit = QLineEdit()
        self.demand_edit.setObjectName("split_demand")
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("command_reason")
        self.text_edit.setFixedHeight(50)
        form.addRow(self.tr("Appeal of the new ticket"), self.content_edit)
        form.addRow(self.tr("Demand"), self.demand_edit)
        form.addRow(self.tr("Reason"), self.text_edit)
        return lambda: {"content": self.content_edit.toPlainText().strip(),
                        "demand": self.demand_edit.text().strip(),
                        "reason": self.text_edit.toPlainText().strip()}

    def focus_first_field(self) -> None:
        """What the lead types goes into the form just opened, not elsewhere."""
        for child in self.form_host.findChildren(QWidget):
            if child.focusPolicy() & Qt.FocusPolicy.TabFocus and child.isEnabled() \
                    and not isinstance(child, QLabel):
                child.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        self.confirm_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # Results ---------------------------------------------------------------------------------
    def data(self) -> dict[str, Any]:
        return self._collect()

    def confirm(self) -> None:
        if self.kind is None:
            return
        self.error.clear_message()
        self.confirm_button.setEnabled(False)  # until the outcome is known: no double submit
        self.submitted.emit(self.kind, self.data())

    def show_refusal(self, text: str) -> None:
        self.error.show_message(text)
        self.confirm_button.setEnabled(True)

    def close_form(self) -> None:
        self.kind = None
        self.hide()

    def _cancel(self) -> None:
        self.close_form()
        self.cancelled.emit()


def _checked(group: QButtonGroup) -> str:
    button = group.checkedButton()
    return str(button.property("rating")) if button is not None else ""


def _time_or_none(value: Any) -> datetime | None:
    try:
        return parse_time(str(value))
    except ValueError:
        return None


def _working_days_asked(ticket: Ticket, request: Any, reference: ReferenceData | None) -> int:
    """The unit's requested deadline as working days after the current one (at least 1)."""
    asked = _time_or_none(request.data.get("requested_deadline")) if request else None
    if asked is None or ticket.deadline is None or reference is None:
        return 5
    days, moment = 0, ticket.deadline
    while days < MAX_EXTENSION_WORKING_DAYS:
        days += 1
        moment = reference.calendar.add_working_days(ticket.deadline, days)
        if moment >= asked:
            break
    return days
