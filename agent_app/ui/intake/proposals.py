"""Smart intake in the form (issue 22): proposals beside 诉求内容 as the operator types,
accepted with one key each, never over what the operator typed; a banner when the call is
about a hotspot; an alert for the lead when a hotspot appears.

The engine is Qt-free (agent_app.core.smart_intake). A proposal costs well under a
millisecond at 100k tickets of history (benchmarks/smart_intake.py), so it runs on the GUI
thread after a short pause in typing; loading the engine, reading recent tickets and
rebuilding the category model run on the workers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.enums import Urgency
from agent_app.core.models import CategoryPath, LocationPath
from agent_app.core.smart_intake.category import CategoryModel
from agent_app.core.smart_intake.engine import Proposal, SmartIntake
from agent_app.core.smart_intake.risk import RiskHit
from agent_app.core.smart_intake.same_matter import (
    HOTSPOT_ANSWER,
    HOTSPOT_TITLE,
    MERGE_REASON,
    OPEN_STATUSES,
    Hotspot,
    MergeOffer,
    RecentTicket,
    RecentTickets,
    new_hotspots,
)
from agent_app.paths import resources_dir
from agent_app.storage.smart_intake import recent_tickets, ticket_count, training_history
from agent_app.tasks import Changes, TaskRunner, Topic
from agent_app.ui.i18n import tr_core, tr_label
from agent_app.ui.intake.form import IntakeForm
from agent_app.ui.widgets import plain_label

TYPING_PAUSE_MS = 150
RECENT_RELOAD_MS = 2000  # after tickets change: batch a sync page's worth of changes
REBUILD_AFTER_NEW_TICKETS = 200
RISK_NOTICE_WINDOW = timedelta(days=1)  # the model learns again once this many tickets arrived
KEYS = {"category": ("Alt+1", "Alt+2", "Alt+3"), "location": "Alt+4", "phone": "Alt+5",
        "name": "Alt+6", "urgency": "Alt+7", "merge": "Alt+8", "answer": "Alt+9"}


def _fmt(template: str, *values: object) -> str:
    text = template
    for number, value in enumerate(values, start=1):
        text = text.replace(f"%{number}", str(value))
    return text


def _proposal_line(name: str, style: str = "") -> QLabel:
    # Word-wrapped so a long place or reason never widens the form past the screen.
    label = plain_label()
    label.setObjectName(name)
    label.setWordWrap(True)
    if style:
        label.setStyleSheet(style)
    label.hide()
    return label


class ProposalPanel(QFrame):
    """What the text says, each proposal with the key that accepts it: categories on one
    line, the fields (place, phone, form of address) on the next, then risk and merge."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("smart_proposals")
        self.setStyleSheet("QFrame#smart_proposals { background: #f4f8ee; "
                           "border: 1px solid #9ccc65; }")
        self.title = plain_label(self.tr("Proposed from the content — one key accepts"))
        self.title.setStyleSheet("color: #33691e;")
        self.categories = _proposal_line("proposal_categories")
        self.fields = _proposal_line("proposal_fields")
        self.urgency = _proposal_line("proposal_urgency", "color: #b71c1c; font-weight: bold;")
        self.merge = _proposal_line("proposal_merge", "color: #0d47a1;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.setSpacing(2)
        for widget in (self.title, self.categories, self.fields, self.urgency, self.merge):
            layout.addWidget(widget)
        # Only as tall as its lines: the form's spare height belongs to nobody.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.hide()

    def lines(self) -> list[QLabel]:
        return [self.categories, self.fields, self.urgency, self.merge]

    def refresh_visibility(self) -> None:
        self.setVisible(any(not line.isHidden() for line in self.lines()))


class HotspotBanner(QFrame):
    """For operators: the next caller about a hotspot gets the prepared answer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hotspot_banner")
        self.setStyleSheet("QFrame#hotspot_banner { background: #fff3e0; "
                           "border: 1px solid #fb8c00; }")
        self.title = plain_label()
        self.title.setObjectName("hotspot_title")
        self.title.setStyleSheet("font-weight: bold; color: #e65100;")
        self.title.setWordWrap(True)
        self.answer = plain_label()
        self.answer.setObjectName("hotspot_answer")
        self.answer.setWordWrap(True)
        self.use_answer = QPushButton(self.tr("Use the prepared answer (%1)")
                                      .replace("%1", KEYS["answer"]))
        self.use_answer.setObjectName("hotspot_use_answer")
        self.use_answer.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.answer)
        layout = QHBoxLayout(self)
        layout.addLayout(text, 1)
        layout.addWidget(self.use_answer, 0, Qt.AlignmentFlag.AlignTop)
        self.hotspot: Hotspot | None = None
        self.hide()

    def show_hotspot(self, hotspot: Hotspot | None) -> None:
        self.hotspot = hotspot
        if hotspot is None:
            self.hide()
            return
        self.title.setText(hotspot_title(hotspot))
        self.answer.setText(prepared_answer(hotspot))
        self.show()


def hotspot_title(hotspot: Hotspot) -> str:
    return _fmt(tr_core("SmartIntake", HOTSPOT_TITLE), len(hotspot.tickets),
                hotspot.category.level2, hotspot.location.community,
                hotspot.since.astimezone().strftime("%H:%M"))


def prepared_answer(hotspot: Hotspot) -> str:
    return _fmt(tr_core("SmartIntake", HOTSPOT_ANSWER), hotspot.category.level2,
                hotspot.location.community, len(hotspot.tickets))


class HotspotAlert(QDialog):
    """For the lead: the hotspot and its tickets, to coordinate one answer and one unit."""

    def __init__(self, hotspot: Hotspot, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hotspot_alert")
        self.setWindowTitle(self.tr("Hotspot"))
        self.setModal(False)
        title = plain_label(hotspot_title(hotspot))
        title.setObjectName("hotspot_alert_title")
        title.setStyleSheet("font-weight: bold; color: #e65100;")
        title.setWordWrap(True)
        place = plain_label(str(hotspot.location))
        self.tickets = QListWidget()
        self.tickets.setObjectName("hotspot_tickets")
        for ticket in hotspot.tickets:
            self.tickets.addItem(f"{ticket.created_at.astimezone():%H:%M}  {ticket.id}  "
                                 f"{tr_label(ticket.status)}  {ticket.content[:60]}")
        answer = plain_label(self.tr("Prepared answer for operators: %1")
                             .replace("%1", prepared_answer(hotspot)))
        answer.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(place)
        layout.addWidget(self.tickets, 1)
        layout.addWidget(answer)
        layout.addWidget(buttons)
        self.resize(640, 360)


class RiskAlert(QDialog):
    """For the lead: a ticket whose text shows risk to life, violence, a gathering, the
    media or a petition, with the words that matched."""

    def __init__(self, ticket: RecentTicket, hits: list[RiskHit],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("risk_alert")
        self.setWindowTitle(self.tr("Risk words in a new appeal"))
        self.setModal(False)
        words = "、".join(dict.fromkeys(hit.text for hit in hits))
        title = plain_label(self.tr("%1 (%2): %3").replace("%1", ticket.id).replace(
            "%2", ticket.created_at.astimezone().strftime("%H:%M")).replace("%3", words))
        title.setObjectName("risk_alert_title")
        title.setStyleSheet("font-weight: bold; color: #b71c1c;")
        content = plain_label(ticket.content)
        content.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(plain_label(str(ticket.location)))
        layout.addWidget(content, 1)
        layout.addWidget(buttons)
        self.resize(560, 220)


class SmartIntakeProposals(QObject):
    """Wires the engine to an intake form; the screen adds `banner` and connects
    `merge_requested`; the main window shows `HotspotAlert` for `hotspot_found` to leads."""

    merge_requested = Signal(str)  # ticket id the operator chose to merge this call into
    hotspot_found = Signal(object)  # Hotspot, once per hotspot
    risk_found = Signal(object, object)  # RecentTicket, its RiskHits: once per ticket
    proposed = Signal(object)  # Proposal: after each pause in typing
    recent_loaded = Signal()  # the last days' tickets were read again

    def __init__(self, form: IntakeForm, tasks: TaskRunner, *, now: Callable[[], datetime],
                 shortcut_parent: QWidget) -> None:
        super().__init__(shortcut_parent)
        self._form = form
        self._tasks = tasks
        self._now = now
        self.engine: SmartIntake | None = None
        self.recent = RecentTickets()
        self.proposal = Proposal()
        self.offers: list[MergeOffer] = []
        self._known_hotspots: list[Hotspot] = []
        self._risk_checked: set[str] = set()
        self._recent_loaded = False
        self._trained_at_count = -1
        self._count = 0
        self._tickets: list[RecentTicket] = []
        # What a proposal put into a field: only such a value may be replaced by another
        # proposal; anything else was typed or picked by the operator and stays.
        self._placed: dict[str, object] = {}
        self.panel = ProposalPanel()
        self.banner = HotspotBanner()
        form.add_beside_content(self.panel)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self.propose_now)
        form.content.textChanged.connect(self._timer.start)
        form.location.changed.connect(self._timer.start)
        form.category.chosen.connect(self._timer.start)
        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(RECENT_RELOAD_MS)
        self._reload.timeout.connect(self.load_recent)
        self.banner.use_answer.clicked.connect(self.use_prepared_answer)
        self._install_shortcuts(shortcut_parent)
        tasks.changes.connect(self._on_changes)
        tasks.run_net(lambda: SmartIntake.load(resources_dir()), on_done=self._engine_ready)
        self.load_recent()

    # Keyboard ---------------------------------------------------------------------------------
    def shortcut_help(self) -> list[tuple[str, str]]:
        return [
            ("Alt+1…3", self.tr("Accept the proposed category (best first)")),
            (KEYS["location"], self.tr("Accept the proposed place")),
            (KEYS["phone"], self.tr("Accept the phone number found in the content")),
            (KEYS["name"], self.tr("Accept the caller's form of address")),
            (KEYS["urgency"], self.tr("Raise the urgency (risk words in the content)")),
            (KEYS["merge"], self.tr("Merge into the open ticket about the same matter")),
            (KEYS["answer"], self.tr("Use the prepared answer of the hotspot")),
        ]

    def _install_shortcuts(self, parent: QWidget) -> None:
        bindings: list[tuple[str, Callable[[], object]]] = [
            *((keys, lambda n=n: self.accept_category(n))
              for n, keys in enumerate(KEYS["category"])),
            (KEYS["location"], self.accept_location), (KEYS["phone"], self.accept_phone),
            (KEYS["name"], self.accept_name), (KEYS["urgency"], self.accept_urgency),
            (KEYS["merge"], self.accept_merge), (KEYS["answer"], self.use_prepared_answer),
        ]
        for keys, slot in bindings:
            shortcut = QShortcut(QKeySequence(keys), parent)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # Loading ----------------------------------------------------------------------------------
    def _engine_ready(self, engine: SmartIntake) -> None:
        self.engine = engine
        self.propose_now()
        self._check_risk()
        self._maybe_rebuild()

    def load_recent(self) -> None:
        now = self._now()
        self._tasks.run_db(lambda db: (recent_tickets(db, now), ticket_count(db)),
                           on_done=lambda result: self._recent_ready(now, *result))

    def _recent_ready(self, now: datetime, tickets: list, count: int) -> None:
        self.recent = RecentTickets.of(tickets, now)
        found = self.recent.hotspots(now)
        for hotspot in new_hotspots(self._known_hotspots, found):
            self.hotspot_found.emit(hotspot)
        self._known_hotspots = found
        self._recent_loaded = True
        self._count = count
        self._tickets = tickets
        self._check_risk()
        self.propose_now()
        self.recent_loaded.emit()
        self._maybe_rebuild()

    def _check_risk(self) -> None:
        """Open tickets of the last day whose text has risk words: the lead is told, once
        per ticket, whoever registered it (they arrive here through sync)."""
        if self.engine is None or not self._recent_loaded:
            return
        since = self._now() - RISK_NOTICE_WINDOW
        for ticket in self._tickets:
            if ticket.id in self._risk_checked or ticket.created_at < since:
                continue
            self._risk_checked.add(ticket.id)
            hits = self.engine.risk_words.hits(ticket.content)
            if hits and ticket.status in OPEN_STATUSES:
                self.risk_found.emit(ticket, hits)

    def _maybe_rebuild(self) -> None:
        """Learn from the centre's tickets once at start, then every few hundred new ones."""
        if self.engine is None or not self._recent_loaded:
            return
        if self._trained_at_count >= 0 and \
                self._count - self._trained_at_count < REBUILD_AFTER_NEW_TICKETS:
            return
        self._trained_at_count = self._count
        engine = self.engine
        self._tasks.run_db(training_history, on_done=lambda history: self._tasks.run_net(
            lambda: engine.rebuilt(history), on_done=self._model_ready))

    def _model_ready(self, model: CategoryModel) -> None:
        if self.engine is not None and model.trained_on:
            self.engine.model = model

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(Topic.TICKETS, Topic.SYNC):  # SYNC: the hotspot window moved on
            self._reload.start()

    # Proposing --------------------------------------------------------------------------------
    def propose_now(self) -> None:
        if self.engine is None:
            return
        text = self._form.content.text()
        self.proposal = self.engine.propose(text)
        state = self._form.state()
        location = state.location_path if state.location_path.is_complete else (
            self.proposal.location or LocationPath())
        category = state.category_path or (self.proposal.categories[0]
                                           if self.proposal.categories else None)
        now = self._now()
        phone = state.caller.phone
        self.offers = self.recent.merge_offers(location, category, phone, text, now) \
            if text.strip() else []
        self.banner.show_hotspot(self.recent.hotspot_for(location, category, now)
                                 if text.strip() else None)
        self._show()
        self.proposed.emit(self.proposal)

    def _show(self) -> None:
        panel, proposal = self.panel, self.proposal
        _set_line(panel.categories, "   ".join(
            f"{KEYS['category'][n]}  {c.level1} › {c.level2}"
            for n, c in enumerate(proposal.categories)))
        fields = []
        if proposal.location is not None and not self._typed(
                "location", self._form.location.value()):
            fields.append(f"{KEYS['location']}  " + self.tr("Place: %1").replace(
                "%1", str(proposal.location)))
        if proposal.phones and not self._typed("phone", self._form.caller_phone.text()):
            fields.append(f"{KEYS['phone']}  " + self.tr("Phone: %1").replace(
                "%1", proposal.phones[0]))
        if proposal.caller_name and not self._typed("name", self._form.caller_name.text()):
            fields.append(f"{KEYS['name']}  " + self.tr("Caller: %1").replace(
                "%1", proposal.caller_name))
        _set_line(panel.fields, "   ".join(fields))
        words = "、".join(dict.fromkeys(hit.text for hit in proposal.risk))
        _set_line(panel.urgency, f"{KEYS['urgency']}  " + self.tr(
            "Risk words (%1): raise the urgency to critical").replace("%1", words)
            if proposal.is_risk and self._form.urgency.currentData() != Urgency.CRITICAL.value
            else "")
        offer = self.offers[0] if self.offers else None
        _set_line(panel.merge, f"{KEYS['merge']}  " + _fmt(
            self.tr("Same matter as %1 — %2"), offer.ticket.id, merge_reason(offer))
            if offer is not None else "")
        panel.refresh_visibility()

    def _typed(self, field: str, current: object) -> bool:
        """True when the field holds something the operator typed (not empty, not ours)."""
        empty = current in ("", None, ("", "", ""))
        return not empty and self._placed.get(field) != current

    # Accepting --------------------------------------------------------------------------------
    def accept_category(self, number: int) -> None:
        if number >= len(self.proposal.categories):
            return
        category = self.proposal.categories[number]
        value = (category.level1, category.level2)
        self._form.category.set_value(value)
        self._placed["category"] = value
        self._form.category.chosen.emit(value)

    def accept_location(self) -> None:
        location = self.proposal.location
        if location is None or self._typed("location", self._form.location.value()):
            return
        value = (location.district, location.street, location.community)
        self._form.location.set_value(value)
        self._placed["location"] = self._form.location.value()

    def accept_phone(self) -> None:
        if not self.proposal.phones or self._typed("phone", self._form.caller_phone.text()):
            return
        self._form.caller_phone.setText(self.proposal.phones[0])
        self._placed["phone"] = self.proposal.phones[0]

    def accept_name(self) -> None:
        name = self.proposal.caller_name
        if not name or self._typed("name", self._form.caller_name.text()):
            return
        self._form.caller_name.setText(name)
        self._placed["name"] = name

    def accept_urgency(self) -> None:
        if not self.proposal.is_risk:
            return
        combo = self._form.urgency
        combo.setCurrentIndex(max(combo.findData(Urgency.CRITICAL.value), 0))
        self._show()

    def accept_merge(self) -> None:
        if self.offers:
            self.merge_requested.emit(self.offers[0].ticket.id)

    def use_prepared_answer(self) -> None:
        hotspot = self.banner.hotspot
        if hotspot is None or self._form.answer.text().strip():
            return  # never over an answer the operator wrote
        self._form.answer.set_text(prepared_answer(hotspot))


def _set_line(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def merge_reason(offer: MergeOffer) -> str:
    category: CategoryPath | None = offer.ticket.category
    return _fmt(tr_core("SmartIntake", MERGE_REASON), offer.place,
                category.level2 if category else "",
                offer.ticket.created_at.astimezone().strftime("%m-%d %H:%M"))
