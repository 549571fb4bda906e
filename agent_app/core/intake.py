"""What an intake form holds, and how it becomes a ticket: Qt-free, so the rules are tested
without a window and the draft format is one place.

The form's state is a plain dataclass that round-trips through JSON for drafts. Submitting it
with an outcome (answer on the call, or dispatch to a unit) checks the five elements and builds
the ticket with its first events, the deadline computed from policy and the working calendar.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from agent_app.core.completeness import (
    Element,
    FieldIssue,
    IntakeFacts,
    Outcome,
    check_completeness,
)
from agent_app.core.deadlines import compute_deadline
from agent_app.core.enums import AppealType, Channel, Gender, TicketStatus, Urgency
from agent_app.core.i18n import QT_TRANSLATE_NOOP
from agent_app.core.lifecycle import OPEN_STATES, EventKind
from agent_app.core.models import (
    Caller,
    CategoryPath,
    LocationPath,
    Ticket,
    TicketEvent,
    new_event_id,
)
from agent_app.core.reference import ReferenceData

REPEAT_WINDOW = timedelta(days=30)
MAX_ANSWER_CHARS = 2000


@dataclass
class IntakeState:
    """Every field of the form, as typed; strings stay strings until submit."""

    channel: str = Channel.PHONE_12345.value
    caller_phone: str = ""
    phone_withheld: bool = False
    caller_name: str = ""
    gender: str = Gender.UNKNOWN.value
    callback_permitted: bool = True
    confidential: bool = False
    appeal_type: str = AppealType.CONSULTATION.value
    category: tuple[str, str] | None = None
    location: tuple[str, str, str] = ("", "", "")
    address: str = ""
    urgency: str = Urgency.NORMAL.value
    content: str = ""
    demand: str = ""
    answer: str = ""
    unit: str = ""
    received_at: str = ""  # ISO time the call started; set when the form opens for a call
    answer_article_id: str = ""  # the KB article the direct answer was taken from

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IntakeState:
        """Tolerant of drafts written by an older release: unknown keys are dropped and
        missing ones take their defaults."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("category") is not None:
            values["category"] = tuple(values["category"])
        if "location" in values:
            values["location"] = tuple(values["location"])
        return cls(**values)

    def is_blank(self) -> bool:
        """Nothing an operator typed: such a form needs no draft and no confirmation."""
        typed = (self.caller_phone, self.caller_name, self.address, self.content, self.demand,
                 self.answer)
        return not any(s.strip() for s in typed) and self.category is None

    @property
    def caller(self) -> Caller:
        return Caller(name=self.caller_name.strip(), phone=_normalise_phone(self.caller_phone),
                      gender=Gender(self.gender), phone_withheld=self.phone_withheld)

    @property
    def category_path(self) -> CategoryPath | None:
        return CategoryPath(*self.category) if self.category else None

    @property
    def location_path(self) -> LocationPath:
        return LocationPath(*self.location)


def check(state: IntakeState, outcome: Outcome) -> list[FieldIssue]:
    """The five elements plus what the chosen way out needs, in form order."""
    facts = IntakeFacts(caller=state.caller,
                        received_at=_parse(state.received_at),
                        location=state.location_path, address=state.address,
                        content=state.content, demand=state.demand)
    issues = check_completeness(facts, outcome)
    if state.category is None:
        issues.append(FieldIssue("category", Element.WHAT,
                                 QT_TRANSLATE_NOOP("Completeness", "Choose a category.")))
    if outcome is Outcome.ANSWER:
        if not state.answer.strip():
            issues.append(FieldIssue("answer", Element.WHAT, QT_TRANSLATE_NOOP(
                "Completeness", "Enter the answer given to the caller.")))
        elif len(state.answer.strip()) > MAX_ANSWER_CHARS:
            issues.append(FieldIssue("answer", Element.WHAT, QT_TRANSLATE_NOOP(
                "Completeness", "The answer is too long (at most 2000 characters).")))
    elif not state.unit:
        issues.append(FieldIssue("unit", Element.WHAT, QT_TRANSLATE_NOOP(
            "Completeness", "Choose the unit to dispatch to.")))
    return issues


def build_ticket(state: IntakeState, outcome: Outcome, reference: ReferenceData, *,
                 actor: str, now: datetime, ticket_id: str | None = None) -> Ticket:
    """The ticket a complete form becomes: registered, then answered or dispatched at once.
    Call `check` first; this raises ValueError on a form it would refuse."""
    problems = check(state, outcome)
    if problems:
        raise ValueError(f"incomplete form: {', '.join(p.field for p in problems)}")
    received = _parse(state.received_at) or now
    appeal_type, urgency = AppealType(state.appeal_type), Urgency(state.urgency)
    events = [TicketEvent(new_event_id(), received, EventKind.REGISTERED, actor)]
    ticket = Ticket(
        id=ticket_id or new_ticket_id(now),
        created_at=received,
        channel=Channel(state.channel),
        appeal_type=appeal_type,
        urgency=urgency,
        status=TicketStatus.REGISTERED,
        caller=state.caller,
        category=state.category_path,
        location=state.location_path,
        address=state.address.strip(),
        content=state.content.strip(),
        demand=state.demand.strip(),
        confidential=state.confidential,
        callback_permitted=state.callback_permitted,
        events=events,
    )
    if outcome is Outcome.ANSWER:
        ticket.status = TicketStatus.ANSWERED
        ticket.answer = state.answer.strip()
        answered: dict[str, Any] = {"text": ticket.answer}
        if state.answer_article_id:
            answered["article_id"] = state.answer_article_id
        events.append(TicketEvent(new_event_id(), now, EventKind.ANSWERED, actor, answered))
    else:
        ticket.status = TicketStatus.DISPATCHED
        ticket.unit = state.unit
        ticket.deadline = dispatch_deadline(state, reference, now)
        events.append(TicketEvent(new_event_id(), now, EventKind.DISPATCHED, actor,
                                  {"unit": state.unit, "deadline": ticket.deadline.isoformat()}))
    return ticket


def check_linked_call(state: IntakeState) -> list[FieldIssue]:
    """A call merged into, or added to, an open ticket still needs who, when and what; the
    place, the handling and the unit are the open ticket's."""
    linked_fields = {"caller_phone", "caller_name", "received_at", "content"}
    return [issue for issue in check(state, Outcome.ANSWER) if issue.field in linked_fields]


def merged_ticket(state: IntakeState, target_id: str, *, actor: str, now: datetime) -> Ticket:
    """并单: the call is registered as its own ticket, closed as merged into the open one, so
    both histories stay and reports count the contact."""
    if check_linked_call(state):
        raise ValueError("incomplete call")
    received = _parse(state.received_at) or now
    return Ticket(
        id=new_ticket_id(now), created_at=received, channel=Channel(state.channel),
        appeal_type=AppealType(state.appeal_type), urgency=Urgency(state.urgency),
        status=TicketStatus.MERGED, caller=state.caller, category=state.category_path,
        location=state.location_path, address=state.address.strip(),
        content=state.content.strip(), demand=state.demand.strip(),
        confidential=state.confidential, callback_permitted=state.callback_permitted,
        events=[TicketEvent(new_event_id(), received, EventKind.REGISTERED, actor),
                TicketEvent(new_event_id(), now, EventKind.MERGED, actor, {"into": target_id})])


def follow_up_note(state: IntakeState, merged_id: str | None, *, actor: str,
                   now: datetime) -> TicketEvent:
    """The note the open ticket gets about a repeat call: what the caller added, and the merged
    ticket when there is one."""
    text = state.content.strip()
    if state.demand.strip():
        text += "\n" + state.demand.strip()
    # No caller identity in the note: units read the timeline, and callers may be confidential.
    data: dict[str, Any] = {"text": text, "source": "call"}
    if merged_id is not None:
        data["merged_from"] = merged_id
    return TicketEvent(new_event_id(), now, EventKind.NOTE, actor, data)


def dispatch_deadline(state: IntakeState, reference: ReferenceData, now: datetime) -> datetime:
    return compute_deadline(now, AppealType(state.appeal_type), Urgency(state.urgency),
                            reference.policy, reference.calendar)


def is_repeat_of(state: IntakeState, earlier: Ticket, now: datetime) -> bool:
    """重复诉求: the same phone, or the same address, with the same category, within 30 days,
    and still open. Such a call is merged or added as a follow-up, not registered twice."""
    if earlier.status not in OPEN_STATES or now - earlier.created_at > REPEAT_WINDOW:
        return False
    if state.category_path is None or earlier.category != state.category_path:
        return False
    phone = state.caller.phone
    same_phone = bool(phone) and not state.phone_withheld and earlier.caller.phone == phone
    address = state.address.strip()
    same_address = bool(address) and earlier.address.strip() == address
    return same_phone or same_address


def is_phone_like(text: str) -> bool:
    """What a telephony system may pass for a screen pop: digits and dashes, a sane length.
    Not validated as a number: a withheld or odd caller still gets a form."""
    return 3 <= len(text) <= 20 and all(ch.isdigit() or ch == "-" for ch in text)


def new_ticket_id(now: datetime) -> str:
    # Made offline on many PCs at once: a date for people, random hex for uniqueness.
    return f"T{now:%Y%m%d}-{uuid.uuid4().hex[:10].upper()}"


def _normalise_phone(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit() or ch == "-").strip("-")


def _parse(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return moment if moment is None or moment.tzinfo is not None else None
