"""The intake form's fields in the order an operator fills them during a call. It holds no
rules of its own: state in and out as `IntakeState`, messages from `core.intake.check` shown
under the field they are about."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.completeness import (
    MAX_CONTENT_CHARS,
    MAX_DEMAND_CHARS,
    REQUIRED_ELEMENTS,
    Element,
    FieldIssue,
    Outcome,
    missing_elements,
)
from agent_app.core.enums import AppealType, Channel, Gender, Urgency
from agent_app.core.i18n import QT_TRANSLATE_NOOP
from agent_app.core.intake import MAX_ANSWER_CHARS, IntakeState, check, dispatch_deadline
from agent_app.core.reference import ReferenceData
from agent_app.core.routing import Reason, suggest_units
from agent_app.ui.i18n import tr_core, tr_label
from agent_app.ui.intake.fields import (
    CategoryPicker,
    LimitedTextEdit,
    LocationCascade,
    SearchableCombo,
)
from agent_app.ui.widgets import FieldError, plain_label

# Fields that belong to the handling chosen, not to the five elements.
HANDLING_FIELDS = {
    "answer": QT_TRANSLATE_NOOP("IntakeForm", "Answer"),
    "unit": QT_TRANSLATE_NOOP("IntakeForm", "Unit"),
}
ELEMENT_NAMES = {
    Element.WHO: QT_TRANSLATE_NOOP("IntakeForm", "Who"),
    Element.WHEN: QT_TRANSLATE_NOOP("IntakeForm", "When"),
    Element.WHERE: QT_TRANSLATE_NOOP("IntakeForm", "Where"),
    Element.WHAT: QT_TRANSLATE_NOOP("IntakeForm", "What"),
    Element.DEMAND: QT_TRANSLATE_NOOP("IntakeForm", "Demand"),
}


def _enum_combo(name: str, values: Sequence[object]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for value in values:
        combo.addItem(tr_label(value), value.value)  # type: ignore[arg-type, attr-defined]
    return combo


class IntakeForm(QWidget):
    edited = Signal()  # anything changed: autosave and the live completeness check
    lookup_changed = Signal()  # phone, address or category changed: history and repeats

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reference: ReferenceData | None = None
        self._received_at = ""
        self._loading = False
        # Until the operator picks a unit, the best suggestion follows category and place.
        self._unit_picked = False
        self.errors: dict[str, FieldError] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.channel = _enum_combo("channel", list(Channel))
        form.addRow(self.tr("Channel"), self.channel)
        self.caller_phone = QLineEdit()
        self.caller_phone.setObjectName("caller_phone")
        self.caller_phone.setMaxLength(20)
        self.caller_phone.setPlaceholderText(self.tr("Mobile, or landline with area code"))
        self.phone_withheld = QCheckBox(self.tr("Number withheld"))
        self.phone_withheld.setObjectName("phone_withheld")
        form.addRow(self.tr("Caller phone"), self._row(self.caller_phone, self.phone_withheld,
                                                       error="caller_phone"))
        self.caller_name = QLineEdit()
        self.caller_name.setObjectName("caller_name")
        self.caller_name.setMaxLength(40)
        self.caller_name.setPlaceholderText(self.tr("e.g. 张先生"))
        self.gender = _enum_combo("gender", list(Gender))
        form.addRow(self.tr("Caller name"), self._row(self.caller_name, self.gender,
                                                      error="caller_name"))
        self.callback_permitted = QCheckBox(self.tr("Callback permitted"))
        self.callback_permitted.setObjectName("callback_permitted")
        self.confidential = QCheckBox(self.tr("Confidential (保密)"))
        self.confidential.setObjectName("confidential")
        form.addRow("", self._row(self.callback_permitted, self.confidential))
        self.appeal_type = _enum_combo("appeal_type", list(AppealType))
        self.urgency = _enum_combo("urgency", list(Urgency))
        form.addRow(self.tr("Appeal type"), self._row(self.appeal_type, plain_label(
            self.tr("Urgency")), self.urgency))
        self.category = CategoryPicker()
        self.category.setObjectName("category")
        form.addRow(self.tr("Category"), self._row(self.category, error="category"))
        self.location = LocationCascade()
        self.location.setObjectName("location")
        form.addRow(self.tr("Location"), self._row(self.location, error="location"))
        self.address = QLineEdit()
        self.address.setObjectName("address")
        self.address.setMaxLength(200)
        form.addRow(self.tr("Address"), self._row(self.address, error="address"))
        self.content = LimitedTextEdit(MAX_CONTENT_CHARS)
        self.content.setObjectName("content")
        self.content.setPlaceholderText(self.tr("What happened, where and since when"))
        self.content.setMaximumHeight(110)
        form.addRow(self.tr("Content"), self._row(self.content, error="content",
                                                  counter=self.content))
        self.demand = LimitedTextEdit(MAX_DEMAND_CHARS)
        self.demand.setObjectName("demand")
        self.demand.setMaximumHeight(60)
        form.addRow(self.tr("Demand"), self._row(self.demand, error="demand",
                                                 counter=self.demand))

        self.answer_choice = QRadioButton(self.tr("Answer directly (F9)"))
        self.answer_choice.setObjectName("outcome_answer")
        self.dispatch_choice = QRadioButton(self.tr("Dispatch to a unit (F10)"))
        self.dispatch_choice.setObjectName("outcome_dispatch")
        self._outcomes = QButtonGroup(self)
        self._outcomes.addButton(self.answer_choice)
        self._outcomes.addButton(self.dispatch_choice)
        self.answer_choice.setChecked(True)
        form.addRow(self.tr("Handling"), self._row(self.answer_choice, self.dispatch_choice))
        self.answer = LimitedTextEdit(MAX_ANSWER_CHARS)
        self.answer.setObjectName("answer")
        self.answer.setMaximumHeight(80)
        self.answer.setPlaceholderText(self.tr("The answer given on the call (from the KB)"))
        self.answer_row = self._row(self.answer, error="answer", counter=self.answer)
        form.addRow(self.tr("Answer"), self.answer_row)
        self.unit = SearchableCombo()
        self.unit.setObjectName("unit")
        self.unit.activated.connect(self._unit_activated)
        self.deadline_label = plain_label()
        self.deadline_label.setObjectName("deadline")
        self.unit_row = self._row(self.unit, self.deadline_label, error="unit")
        form.addRow(self.tr("Unit"), self.unit_row)

        self._form = form
        self.completeness = plain_label()
        self.completeness.setObjectName("completeness")
        layout = QVBoxLayout(self)
        layout.addWidget(self.completeness)
        layout.addLayout(form)
        layout.addStretch(1)

        for signal in (self.channel.currentIndexChanged, self.gender.currentIndexChanged,
                       self.appeal_type.currentIndexChanged, self.urgency.currentIndexChanged,
                       self.unit.currentIndexChanged, self.callback_permitted.toggled,
                       self.confidential.toggled, self.caller_name.textChanged,
                       self.content.textChanged, self.demand.textChanged,
                       self.answer.textChanged, self._outcomes.buttonToggled):
            signal.connect(self._on_edit)
        for signal in (self.caller_phone.textChanged, self.phone_withheld.toggled,
                       self.address.textChanged, self.category.chosen):
            signal.connect(self._on_lookup_edit)
        self.location.changed.connect(self._on_place_or_category)
        self.category.chosen.connect(self._on_place_or_category)
        self.appeal_type.currentIndexChanged.connect(self._on_appeal_type)
        self._outcomes.buttonToggled.connect(self._show_outcome_fields)
        for editor in (self.content, self.demand, self.answer):
            editor.refused.connect(lambda length, limit, e=editor: self._too_long(e, length,
                                                                                  limit))
        self._show_outcome_fields()

    # Building ---------------------------------------------------------------------------------
    def _row(self, *widgets: QWidget, error: str | None = None,
             counter: LimitedTextEdit | None = None) -> QWidget:
        box = QWidget()
        outer = QVBoxLayout(box)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(1)
        line = QHBoxLayout()
        for widget in widgets:
            line.addWidget(widget, 1 if isinstance(widget, (QLineEdit, LimitedTextEdit,
                                                            CategoryPicker, LocationCascade,
                                                            QComboBox)) else 0)
        outer.addLayout(line)
        if counter is not None:
            outer.addWidget(counter.counter, 0, Qt.AlignmentFlag.AlignRight)
        if error is not None:
            label = FieldError()
            label.setObjectName(f"error_{error}")
            self.errors[error] = label
            outer.addWidget(label)
        return box

    def add_beside_content(self, widget: QWidget) -> None:
        """A row right under 诉求内容: the smart-intake proposals (ui/intake/proposals.py)."""
        row, _role = self._form.getWidgetPosition(self.content.parentWidget())
        self._form.insertRow(row + 1, widget)

    def set_pinyin(self, keys: Mapping[str, str]) -> None:
        """Pinyin of every place and unit name: the pickers find 西高皇街道 by xgh."""
        self.location.set_pinyin(keys)
        self.unit.set_pinyin(keys)

    def set_reference(self, reference: ReferenceData) -> None:
        self._reference = reference
        self.location.set_catalogue(reference.catalogue)
        self._on_place_or_category()

    # State ------------------------------------------------------------------------------------
    def outcome(self) -> Outcome:
        return Outcome.ANSWER if self.answer_choice.isChecked() else Outcome.DISPATCH

    def set_outcome(self, outcome: Outcome) -> None:
        (self.answer_choice if outcome is Outcome.ANSWER else self.dispatch_choice).setChecked(True)

    def state(self) -> IntakeState:
        return IntakeState(
            channel=self.channel.currentData(),
            caller_phone=self.caller_phone.text(),
            phone_withheld=self.phone_withheld.isChecked(),
            caller_name=self.caller_name.text(),
            gender=self.gender.currentData(),
            callback_permitted=self.callback_permitted.isChecked(),
            confidential=self.confidential.isChecked(),
            appeal_type=self.appeal_type.currentData(),
            category=self.category.value(),
            location=self.location.value(),
            address=self.address.text(),
            urgency=self.urgency.currentData(),
            content=self.content.text(),
            demand=self.demand.text(),
            answer=self.answer.text(),
            unit=self.unit.currentData() or "",
            received_at=self._received_at,
        )

    def set_state(self, state: IntakeState, outcome: Outcome | None = None) -> None:
        self._loading = True
        try:
            self._received_at = state.received_at
            for combo, value in ((self.channel, state.channel), (self.gender, state.gender),
                                 (self.appeal_type, state.appeal_type),
                                 (self.urgency, state.urgency)):
                combo.setCurrentIndex(max(combo.findData(value), 0))
            self.caller_phone.setText(state.caller_phone)
            self.phone_withheld.setChecked(state.phone_withheld)
            self.caller_name.setText(state.caller_name)
            self.callback_permitted.setChecked(state.callback_permitted)
            self.confidential.setChecked(state.confidential)
            self.category.set_value(state.category)
            self.location.set_value(state.location)
            self.address.setText(state.address)
            self.content.set_text(state.content)
            self.demand.set_text(state.demand)
            self.answer.set_text(state.answer)
            self.set_outcome(outcome or _default_outcome(state))
            self._unit_picked = bool(state.unit)
            self._on_place_or_category()
            if state.unit:
                self._select_unit(state.unit)
        finally:
            self._loading = False
        self.clear_issues()
        self._refresh_completeness()

    def start_new(self, received_at: datetime | None, phone: str = "") -> None:
        """A fresh form. `received_at` is when the call began (a screen pop); a form opened
        blank between calls gets its time at the first keystroke (`mark_call_started`)."""
        self.set_state(IntakeState(caller_phone=phone,
                                   received_at=received_at.isoformat() if received_at else ""))

    @property
    def received_at(self) -> str:
        return self._received_at

    def mark_call_started(self, moment: datetime) -> None:
        """受理时间 is when the call began, not when the empty form was last reset."""
        if not self._received_at:
            self._received_at = moment.isoformat()
            self._refresh_completeness()

    # Messages ---------------------------------------------------------------------------------
    def show_issues(self, issues: list[FieldIssue]) -> None:
        self.clear_issues()
        for issue in issues:
            label = self.errors.get(issue.field)
            if label is not None and not label.text():
                label.show_message(tr_core("Completeness", issue.message))
        if issues:
            self.focus_field(issues[0].field)

    def clear_issues(self) -> None:
        for label in self.errors.values():
            label.clear_message()

    def focus_field(self, name: str) -> None:
        widget = {"caller_phone": self.caller_phone, "caller_name": self.caller_name,
                  "received_at": self.caller_phone, "category": self.category,
                  "location": self.location, "address": self.address,
                  "content": self.content, "demand": self.demand, "answer": self.answer,
                  "unit": self.unit}.get(name)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _too_long(self, editor: LimitedTextEdit, length: int, limit: int) -> None:
        name = editor.objectName()
        self.errors[name].show_message(
            self.tr("Too long: %1 characters, at most %2. The text was not changed.")
            .replace("%1", str(length)).replace("%2", str(limit)))

    # Reactions --------------------------------------------------------------------------------
    def _on_edit(self, *_args: object) -> None:
        if self._loading:
            return
        self._refresh_completeness()
        self.edited.emit()

    def _on_lookup_edit(self, *_args: object) -> None:
        if self._loading:
            return
        self._on_edit()
        self.lookup_changed.emit()

    def _on_appeal_type(self, _row: int) -> None:
        if not self._loading:
            # Consultations are mostly answered on the call; everything else goes to a unit.
            self.set_outcome(Outcome.ANSWER if self.appeal_type.currentData()
                             == AppealType.CONSULTATION.value else Outcome.DISPATCH)
        self._show_deadline()

    def _show_outcome_fields(self, *_args: object) -> None:
        answering = self.answer_choice.isChecked()
        self._form.setRowVisible(self.answer_row, answering)
        self._form.setRowVisible(self.unit_row, not answering)
        self._show_deadline()

    def _on_place_or_category(self, *_args: object) -> None:
        """Units suggested for this category and place first, every other unit after."""
        if self._reference is None:
            return
        current = (self.unit.currentData() or "") if self._unit_picked else ""
        suggestions = suggest_units(self._reference.routing, self._reference.catalogue,
                                    self.state().category_path, self.state().location_path)
        reason_text = {Reason.CATEGORY: self.tr("responsible department"),
                       Reason.STREET: self.tr("street/town of the place"),
                       Reason.DISTRICT: self.tr("district of the place")}
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem(self.tr("— choose a unit —"), "")
        for suggestion in suggestions:
            self.unit.addItem(f"★ {suggestion.unit.name}（{reason_text[suggestion.reason]}）",
                              suggestion.unit.name)
        suggested = {s.unit.name for s in suggestions}
        for unit in self._reference.catalogue.units:
            if unit.name not in suggested:
                self.unit.addItem(unit.name, unit.name)
        self.unit.index_items()
        self.unit.blockSignals(False)
        if current:
            self._select_unit(current)
        elif suggestions:
            self.unit.setCurrentIndex(1)
        self._show_deadline()
        self._on_edit()

    def _unit_activated(self, _row: int) -> None:
        self._unit_picked = bool(self.unit.currentData())

    def _select_unit(self, name: str) -> None:
        row = self.unit.findData(name)
        if row < 0:  # a unit the catalogue no longer lists: keep what the draft said
            self.unit.addItem(name, name)
            row = self.unit.count() - 1
        self.unit.setCurrentIndex(row)

    def _show_deadline(self) -> None:
        if self._reference is None or self.outcome() is Outcome.ANSWER:
            self.deadline_label.setText("")
            return
        deadline = dispatch_deadline(self.state(), self._reference, datetime.now(CHINA_TZ))
        self.deadline_label.setText(self.tr("Deadline %1").replace(
            "%1", deadline.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")))

    def _refresh_completeness(self) -> None:
        """✓/✗ for the elements this way out needs, ○ for those it does not; what the handling
        itself lacks (the answer, the unit) is said apart, not as a missing 何事."""
        outcome = self.outcome()
        issues = check(self.state(), outcome)
        missing = missing_elements([i for i in issues if i.field not in HANDLING_FIELDS])
        if not self._received_at:
            missing.discard(Element.WHEN)  # taken at the first keystroke of the call
        required = REQUIRED_ELEMENTS[outcome]
        parts = [("○ " if element not in required else "✗ " if element in missing else "✓ ")
                 + tr_core("IntakeForm", ELEMENT_NAMES[element]) for element in Element]
        text = self.tr("Five elements: ") + "  ".join(parts)
        handling = [HANDLING_FIELDS[i.field] for i in issues if i.field in HANDLING_FIELDS]
        if handling:
            text += "   " + "  ".join("✗ " + tr_core("IntakeForm", name) for name in handling)
        self.completeness.setText(text)
        self.completeness.setToolTip(self.tr("✓ complete  ✗ missing  ○ not needed when the "
                                             "call is answered directly"))


def _default_outcome(state: IntakeState) -> Outcome:
    if state.unit:
        return Outcome.DISPATCH
    if state.answer:
        return Outcome.ANSWER
    return (Outcome.ANSWER if state.appeal_type == AppealType.CONSULTATION.value
            else Outcome.DISPATCH)
