"""Ticket commands: the one way a ticket changes after intake, on the client and the server.

A command names a ticket, what is done to it (a lifecycle `Action`, a `SideEvent`, or one of
the `FollowUp` steps defined here), who did it when, and a client-made event id. Applying it
checks the lifecycle table and the command's own guards, updates the ticket's fields, and
appends exactly one event carrying that id. Applying a command whose event is already on the
ticket changes nothing, so a replayed sync is harmless.

Both sides call the same functions: the client applies a command optimistically and queues it;
the server applies it again to the stored ticket, after `authorise` has checked the role, so
the two results are the same ticket. Refusals carry a fixed English sentence (marked for
translation in context "TicketCommand") that the server sends back as the rejection reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from agent_app.core.calendar import CHINA_TZ, WorkingCalendar
from agent_app.core.deadlines import DeadlinePolicy, compute_deadline
from agent_app.core.enums import Rating, Role, SupervisionLevel, TicketStatus
from agent_app.core.errors import UserError
from agent_app.core.i18n import QT_TRANSLATE_NOOP
from agent_app.core.interchange import InterchangeError, parse_time
from agent_app.core.lifecycle import (
    DEADLINE_RUNNING_STATES,
    OPEN_STATES,
    WITH_UNIT_STATES,
    Action,
    EventKind,
    InvalidTransitionError,
    SideEvent,
    apply_action,
    check_side_event,
)
from agent_app.core.models import Ticket, TicketEvent, new_event_id
from agent_app.core.network import (
    Network,
    PassRefusedError,
    assisting_units,
    chain_units,
    shipped_network,
)
from agent_app.core.wire import (
    MAX_ID_CHARS,
    MAX_NOTE_CHARS,
    MAX_REASON_CHARS,
    MAX_TEXT_CHARS,
    MAX_UNIT_CHARS,
    MIN_REASON_CHARS,
    MIN_REPLY_CHARS,
)

REASON_CONTEXT = "TicketCommand"
MAX_EXTENSION_WORKING_DAYS = 60
# 回访未接通: after this many attempts a ticket may be closed without ratings.
MAX_CALLBACK_ATTEMPTS = 3
# A second redo flags the ticket for the team lead.
LEAD_ATTENTION_REDOS = 2


class FollowUp(StrEnum):
    """Steps that are neither a status change of the lifecycle table nor one of its side
    events, but still one event each."""

    CALLBACK = "callback"  # 回访 reached: result and process ratings
    EXTENSION_DECISION = "extension_decision"  # lead approves or denies a 延期申请
    SPLIT = "split"  # part of the appeal moved to a ticket of its own


class NetworkStep(StrEnum):
    """Steps of the four-level network (seed 004) and of lead and assisting units."""

    PASS_DOWN = "pass_down"  # 下派: the holder passes the ticket to a unit directly below
    REPLY_UP = "reply_up"  # the lower unit replies to the unit above
    RETURN_UP = "return_up"  # the lower unit returns it to the unit above, with a reason
    REVIEW_REPLY = "review_reply"  # the upper unit accepts the reply up or sends it back
    REQUEST_ASSIST = "request_assist"  # 协办: an assisting unit beside the lead (主办)
    ASSIST_REPLY = "assist_reply"  # an assisting unit's reply to the lead


CommandKind = Action | SideEvent | FollowUp | NetworkStep


def parse_kind(value: str) -> CommandKind:
    for kinds in (Action, SideEvent, FollowUp, NetworkStep):
        try:
            return kinds(value)
        except ValueError:
            continue
    raise ValueError(f"unknown command kind {value!r}")


class ExtensionDecision(StrEnum):
    PENDING = "pending"  # the unit's request, not decided yet
    APPROVED = "approved"
    DENIED = "denied"


# What each command writes on the timeline (the interchange event kinds of DESIGN.md §7).
EVENT_KINDS: dict[CommandKind, EventKind] = {
    Action.REGISTER: EventKind.REGISTERED,
    Action.ANSWER: EventKind.ANSWERED,
    Action.DISPATCH: EventKind.DISPATCHED,
    Action.ACCEPT: EventKind.ACCEPTED,
    Action.RETURN: EventKind.RETURNED,
    Action.REDISPATCH: EventKind.DISPATCHED,  # 改派: a dispatch to another unit (data: redispatch)
    Action.REJECT_RETURN: EventKind.RETURN_REJECTED,
    Action.REPLY: EventKind.REPLIED,
    Action.CLOSE: EventKind.CLOSED,
    Action.REDO: EventKind.REDO,
    Action.MERGE: EventKind.MERGED,
    SideEvent.EXTENSION: EventKind.EXTENSION,
    SideEvent.SUPERVISION: EventKind.SUPERVISED,
    SideEvent.CALLBACK_NOT_REACHED: EventKind.CALLBACK,
    SideEvent.NOTE: EventKind.NOTE,
    FollowUp.CALLBACK: EventKind.CALLBACK,
    FollowUp.EXTENSION_DECISION: EventKind.EXTENSION,
    FollowUp.SPLIT: EventKind.SPLIT,
    Action.TRANSFER: EventKind.TRANSFERRED,
    NetworkStep.PASS_DOWN: EventKind.PASSED_DOWN,
    NetworkStep.REPLY_UP: EventKind.REPLIED_UP,
    NetworkStep.RETURN_UP: EventKind.RETURNED_UP,
    NetworkStep.REVIEW_REPLY: EventKind.REPLY_REVIEWED,
    NetworkStep.REQUEST_ASSIST: EventKind.ASSIST_REQUESTED,
    NetworkStep.ASSIST_REPLY: EventKind.ASSIST_REPLIED,
}

_HOTLINE = frozenset({Role.OPERATOR, Role.LEAD, Role.ADMIN})
_LEADS = frozenset({Role.LEAD, Role.ADMIN})
_UNIT = frozenset({Role.UNIT})

# The one table of who may issue what. The client shows only these actions; the server
# refuses the rest.
COMMAND_ROLES: dict[CommandKind, frozenset[Role]] = {
    Action.REGISTER: _HOTLINE,
    Action.ANSWER: _HOTLINE,
    Action.DISPATCH: _HOTLINE,
    Action.ACCEPT: _UNIT,
    Action.RETURN: _UNIT,
    Action.REDISPATCH: _LEADS,
    Action.REJECT_RETURN: _LEADS,
    Action.REPLY: _UNIT,
    Action.CLOSE: _HOTLINE,
    # Operators send back after a dissatisfied callback; leads also for formulaic replies.
    Action.REDO: _HOTLINE,
    Action.MERGE: _HOTLINE,
    SideEvent.EXTENSION: _UNIT,
    SideEvent.SUPERVISION: _LEADS,
    SideEvent.CALLBACK_NOT_REACHED: _HOTLINE,
    SideEvent.NOTE: _HOTLINE,
    FollowUp.CALLBACK: _HOTLINE,
    FollowUp.EXTENSION_DECISION: _LEADS,
    FollowUp.SPLIT: _LEADS,
    Action.TRANSFER: _HOTLINE,
    # Dispatch centres, streets and communities sign in as unit accounts; which ticket a
    # unit may touch is `authorise_unit`'s.
    NetworkStep.PASS_DOWN: _UNIT,
    NetworkStep.REPLY_UP: _UNIT,
    NetworkStep.RETURN_UP: _UNIT,
    NetworkStep.REVIEW_REPLY: _UNIT,
    NetworkStep.REQUEST_ASSIST: _HOTLINE | _UNIT,
    NetworkStep.ASSIST_REPLY: _UNIT,
}

_S = TicketStatus
NETWORK_STATES: dict[NetworkStep, frozenset[TicketStatus]] = {
    NetworkStep.PASS_DOWN: frozenset({_S.ACCEPTED}),
    NetworkStep.REPLY_UP: frozenset({_S.ACCEPTED}),
    NetworkStep.RETURN_UP: WITH_UNIT_STATES,
    NetworkStep.REVIEW_REPLY: frozenset({_S.ACCEPTED}),
    NetworkStep.REQUEST_ASSIST: WITH_UNIT_STATES,
    NetworkStep.ASSIST_REPLY: DEADLINE_RUNNING_STATES,
}
# The status a step leaves: the lower unit signs for a passed-down ticket as for a dispatch;
# back up, the upper unit holds it as accepted. Steps not named keep the status.
NETWORK_RESULT: dict[NetworkStep, TicketStatus] = {
    NetworkStep.PASS_DOWN: _S.DISPATCHED,
    NetworkStep.REPLY_UP: _S.ACCEPTED,
    NetworkStep.RETURN_UP: _S.ACCEPTED,
    NetworkStep.REVIEW_REPLY: _S.ACCEPTED,
}

FOLLOW_UP_STATES: dict[FollowUp, frozenset[TicketStatus]] = {
    FollowUp.CALLBACK: frozenset({TicketStatus.REPLIED}),
    FollowUp.EXTENSION_DECISION: WITH_UNIT_STATES,
    FollowUp.SPLIT: OPEN_STATES,
}

# The unit endpoints, POST /unit/tickets/{ticket_id}/<path>: the server's table of them
# (central_api/workflow.UNIT_STEPS) and the unit workbench both take each command's path here.
UNIT_STEP_PATHS: dict[CommandKind, str] = {
    Action.ACCEPT: "accept",
    Action.REPLY: "reply",
    Action.RETURN: "return",
    NetworkStep.PASS_DOWN: "pass-down",
    NetworkStep.REPLY_UP: "reply-up",
    NetworkStep.RETURN_UP: "return-up",
    NetworkStep.REVIEW_REPLY: "review-reply",
    NetworkStep.REQUEST_ASSIST: "assist",
    NetworkStep.ASSIST_REPLY: "assist-reply",
    SideEvent.EXTENSION: "extension",
}

SUPERVISION_LADDER: tuple[SupervisionLevel, ...] = (
    SupervisionLevel.REMINDER, SupervisionLevel.PHONE, SupervisionLevel.WRITTEN)


class CommandRefusedError(UserError):
    """A command that may not be applied; `reason` is a fixed sentence in context
    "TicketCommand"."""

    context = REASON_CONTEXT


R_ROLE = QT_TRANSLATE_NOOP("TicketCommand", "Your role may not do this.")
R_STATE = QT_TRANSLATE_NOOP(
    "TicketCommand", "The ticket has moved on: this action does not apply to it any more.")
R_WRONG_TICKET = QT_TRANSLATE_NOOP("TicketCommand", "The command names another ticket.")
R_UNIT = QT_TRANSLATE_NOOP("TicketCommand", "Choose the unit to dispatch to.")
R_SAME_UNIT = QT_TRANSLATE_NOOP(
    "TicketCommand", "Re-dispatch needs a different unit; to send it back, reject the return.")
R_REASON = QT_TRANSLATE_NOOP("TicketCommand", "Give a reason of 2 to 500 characters.")
R_TEXT = QT_TRANSLATE_NOOP("TicketCommand", "Enter a text of 5 to 2000 characters.")
R_NOTE = QT_TRANSLATE_NOOP("TicketCommand", "Enter a note of 1 to 2500 characters.")
R_TARGET = QT_TRANSLATE_NOOP("TicketCommand", "Name another open ticket.")
R_RATINGS = QT_TRANSLATE_NOOP(
    "TicketCommand", "Record both ratings: handling result and service process.")
R_CLOSE_UNRATED = QT_TRANSLATE_NOOP(
    "TicketCommand",
    "Close only after a satisfied callback, after three unanswered callbacks, or when the "
    "caller declined callbacks.")
R_CLOSE_DISSATISFIED = QT_TRANSLATE_NOOP(
    "TicketCommand", "The caller was dissatisfied with the result: send it back for redo.")
R_OPERATOR_REDO = QT_TRANSLATE_NOOP(
    "TicketCommand",
    "Operators send a ticket back only after a dissatisfied callback; ask the team lead.")
R_NO_PENDING_EXTENSION = QT_TRANSLATE_NOOP(
    "TicketCommand", "There is no extension request waiting for a decision.")
R_EXTENSION_DEADLINE = QT_TRANSLATE_NOOP(
    "TicketCommand",
    "An approved extension needs 1 to 60 working days, or a deadline after the current one.")
R_EXTENSION_PAST = QT_TRANSLATE_NOOP(
    "TicketCommand",
    "The new deadline has already passed: extend by more working days, or deny.")
R_DECISION = QT_TRANSLATE_NOOP("TicketCommand", "Decide: approved or denied.")
R_REQUESTED_DEADLINE = QT_TRANSLATE_NOOP(
    "TicketCommand", "Ask for a deadline after the current one.")
R_LADDER = QT_TRANSLATE_NOOP(
    "TicketCommand",
    "Supervision goes up one step at a time: reminder, then phone, then written.")
R_NOTICE = QT_TRANSLATE_NOOP("TicketCommand", "The supervision notice is empty or too long.")
R_MALFORMED = QT_TRANSLATE_NOOP("TicketCommand", "The command is malformed.")
R_TRANSFER_TARGET = QT_TRANSLATE_NOOP(
    "TicketCommand", "Transfer to 110, 119, 120, 122, 12315, 12328, 12333 or 12348.")
R_REPLY_UP = QT_TRANSLATE_NOOP(
    "TicketCommand",
    "This ticket was passed down to your unit: reply or return it to the unit above.")
R_NOT_PASSED_DOWN = QT_TRANSLATE_NOOP(
    "TicketCommand", "This ticket was not passed down to your unit from a unit above.")
R_REVIEW_FIRST = QT_TRANSLATE_NOOP(
    "TicketCommand", "The reply of the unit below waits for your review first.")
R_NO_REPLY_TO_REVIEW = QT_TRANSLATE_NOOP(
    "TicketCommand", "There is no reply from a unit below waiting for review.")
R_REVIEW_DECISION = QT_TRANSLATE_NOOP(
    "TicketCommand", "Accept the reply, or send it back with a reason.")
R_PASS_DEADLINE = QT_TRANSLATE_NOOP(
    "TicketCommand",
    "A deadline for the unit below may be shorter than the one from above, not longer.")
R_RETURN_REASON = QT_TRANSLATE_NOOP(
    "TicketCommand", "Choose a return reason from the list.")
R_RETURN_LATE = QT_TRANSLATE_NOOP(
    "TicketCommand",
    "The time for a return after receipt has passed: handle the ticket or ask the centre.")
R_ASSIST_UNIT = QT_TRANSLATE_NOOP(
    "TicketCommand", "Name an assisting unit other than the lead unit, not named already.")
R_NOT_ASSISTING = QT_TRANSLATE_NOOP(
    "TicketCommand", "Your unit is not an assisting unit of this ticket.")
R_ASSISTING_ONLY = QT_TRANSLATE_NOOP(
    "TicketCommand", "Your unit assists on this ticket: send your reply to the lead unit.")
R_PASSED_ON = QT_TRANSLATE_NOOP(
    "TicketCommand",
    "This ticket was passed on to a unit below yours; it is that unit's to act on now.")
R_NOT_YOURS = QT_TRANSLATE_NOOP("TicketCommand", "This ticket is not your unit's.")


@dataclass(frozen=True)
class TicketCommand:
    ticket_id: str
    kind: CommandKind
    at: datetime
    actor: str
    data: Mapping[str, Any] = field(default_factory=dict)
    event_id: str = field(default_factory=new_event_id)

    def to_dict(self) -> dict[str, Any]:
        """The outbox and wire form (args of the `ticket.action` push operation)."""
        return {"ticket_id": self.ticket_id, "kind": self.kind.value,
                "event_id": self.event_id, "at": self.at.isoformat(), "actor": self.actor,
                "data": dict(self.data)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TicketCommand:
        try:
            payload = data.get("data") or {}
            if not isinstance(payload, Mapping):
                raise TypeError("data must be an object")
            return cls(ticket_id=str(data["ticket_id"]), kind=parse_kind(str(data["kind"])),
                       at=parse_time(str(data["at"])), actor=str(data.get("actor", "")),
                       data=dict(payload), event_id=str(data["event_id"]))
        except (KeyError, TypeError, ValueError, InterchangeError) as exc:
            raise CommandRefusedError(R_MALFORMED) from exc


# Who may ----------------------------------------------------------------------------------
def authorise(ticket: Ticket, kind: CommandKind, role: Role) -> None:
    """The role table, plus the one rule that depends on the ticket: an operator's redo
    follows a dissatisfied callback."""
    if role not in COMMAND_ROLES[kind]:
        raise CommandRefusedError(R_ROLE)
    if kind is Action.REDO and role is Role.OPERATOR:
        callback = last_callback(ticket)
        if callback is None or callback.data.get("result") != Rating.DISSATISFIED.value:
            raise CommandRefusedError(R_OPERATOR_REDO)


def allowed_commands(ticket: Ticket, role: Role) -> list[CommandKind]:
    """What this role can do to this ticket now, in table order: the actions a screen shows."""
    allowed = []
    for kind in COMMAND_ROLES:
        try:
            authorise(ticket, kind, role)
            _check_state(ticket, kind)
            _check_guards(ticket, kind)
        except CommandRefusedError:
            continue
        allowed.append(kind)
    return allowed


# Applying ---------------------------------------------------------------------------------
def apply_command(ticket: Ticket, command: TicketCommand, *, policy: DeadlinePolicy,
                  calendar: WorkingCalendar) -> Ticket:
    """The ticket after `command`, as a new object; `CommandRefusedError` when the lifecycle,
    a guard or the command's data does not allow it. Role checks are `authorise`'s."""
    if command.ticket_id != ticket.id:
        raise CommandRefusedError(R_WRONG_TICKET)
    if any(event.id == command.event_id for event in ticket.events):
        return replace(ticket, events=list(ticket.events))  # a replay: already applied
    status = _check_state(ticket, command.kind)
    _check_guards(ticket, command.kind)
    changes, event_data = _APPLY[command.kind](ticket, command, _Context(policy, calendar))
    event = TicketEvent(command.event_id, command.at, EVENT_KINDS[command.kind],
                        command.actor, event_data)
    return replace(ticket, status=status, **changes, events=[*ticket.events, event])


@dataclass(frozen=True)
class _Context:
    policy: DeadlinePolicy
    calendar: WorkingCalendar

    @property
    def network(self) -> Network:
        return shipped_network()

    def deadline(self, ticket: Ticket, start: datetime) -> datetime:
        return compute_deadline(start, ticket.appeal_type, ticket.urgency, self.policy,
                                self.calendar)


_Changes = tuple[dict[str, Any], dict[str, Any]]  # field changes, event data


def _check_state(ticket: Ticket, kind: CommandKind) -> TicketStatus:
    """The status after `kind`; side events and follow-ups keep it."""
    try:
        if isinstance(kind, Action):
            return apply_action(ticket.status, kind)
        if isinstance(kind, NetworkStep):
            if ticket.status not in NETWORK_STATES[kind]:
                raise InvalidTransitionError(ticket.status, kind)
            return NETWORK_RESULT.get(kind, ticket.status)
        if isinstance(kind, SideEvent):
            check_side_event(ticket.status, kind)
        elif ticket.status not in FOLLOW_UP_STATES[kind]:
            raise InvalidTransitionError(ticket.status, kind)
    except InvalidTransitionError:
        raise CommandRefusedError(R_STATE) from None
    return ticket.status


def _check_guards(ticket: Ticket, kind: CommandKind) -> None:
    """Rules beyond the state table that do not depend on the command's data."""
    if kind is Action.CLOSE:
        callback = last_callback(ticket)
        if callback is not None and callback.data.get("result") == Rating.DISSATISFIED.value:
            raise CommandRefusedError(R_CLOSE_DISSATISFIED)
        rated = callback is not None and bool(callback.data.get("reached"))
        if not (rated or may_close_unrated(ticket.callback_permitted,
                                           callback_attempts(ticket))):
            raise CommandRefusedError(R_CLOSE_UNRATED)
    elif kind is FollowUp.EXTENSION_DECISION and pending_extension(ticket) is None:
        raise CommandRefusedError(R_NO_PENDING_EXTENSION)
    elif kind is SideEvent.EXTENSION and pending_extension(ticket) is not None:
        raise CommandRefusedError(R_STATE)
    elif kind is SideEvent.SUPERVISION and ticket.supervision_level is SUPERVISION_LADDER[-1]:
        if not assisting_units(ticket.events):  # an assisting unit has a ladder of its own
            raise CommandRefusedError(R_LADDER)
    else:
        _check_network_guards(ticket, kind)


def _check_network_guards(ticket: Ticket, kind: CommandKind) -> None:
    """Where the ticket stands in the chain of units it went down."""
    chain = chain_units(ticket.events)
    passed_down = len(chain) > 1
    waiting = reply_up_pending(ticket)
    if kind in (Action.REPLY, Action.RETURN):
        if waiting:
            raise CommandRefusedError(R_REVIEW_FIRST)
        if passed_down:
            raise CommandRefusedError(R_REPLY_UP)
    elif kind in (NetworkStep.REPLY_UP, NetworkStep.RETURN_UP):
        if waiting:
            raise CommandRefusedError(R_REVIEW_FIRST)
        if not passed_down or ticket.unit != chain[-1]:
            raise CommandRefusedError(R_NOT_PASSED_DOWN)
    elif kind is NetworkStep.REVIEW_REPLY and not waiting:
        raise CommandRefusedError(R_NO_REPLY_TO_REVIEW)
    elif kind is NetworkStep.PASS_DOWN and waiting:
        raise CommandRefusedError(R_REVIEW_FIRST)


def authorise_unit(ticket: Ticket, kind: CommandKind, unit: str) -> None:
    """Which unit may act: the holder; for an assisting reply, an assisting unit. A unit that
    passed the ticket on, or only assists, is told why; any other is not involved."""
    assisting = assisting_units(ticket.events)
    if kind is NetworkStep.ASSIST_REPLY:
        if unit not in assisting:
            raise CommandRefusedError(R_NOT_ASSISTING)
        return
    if unit == ticket.unit:
        return
    if unit in chain_units(ticket.events):
        raise CommandRefusedError(R_PASSED_ON)
    if unit in assisting:
        raise CommandRefusedError(R_ASSISTING_ONLY)
    raise CommandRefusedError(R_NOT_YOURS)


def involves_unit(ticket: Ticket, unit: str) -> bool:
    """The unit holds the ticket, passed it down, or assists on it: it may see the ticket."""
    return (unit == ticket.unit or unit in chain_units(ticket.events)
            or unit in assisting_units(ticket.events))


def reply_up_pending(ticket: Ticket) -> bool:
    """A lower unit's reply up waits for the upper unit's review."""
    for event in reversed(ticket.events):
        if event.kind == EventKind.REPLIED_UP:
            return True
        if event.kind in (EventKind.REPLY_REVIEWED, EventKind.RETURNED_UP, EventKind.PASSED_DOWN,
                          EventKind.DISPATCHED, EventKind.REDO):
            return False
    return False


def _text(data: Mapping[str, Any], key: str, reason: str, *, low: int = 1,
          high: int = MAX_REASON_CHARS) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not low <= len(value.strip()) <= high:
        raise CommandRefusedError(reason)
    return value.strip()


def _reason(data: Mapping[str, Any]) -> str:
    """The reason a step must give (退单, 重办, 驳回, 延期, 拆单, 转接, 退回): it says why."""
    return _text(data, "reason", R_REASON, low=MIN_REASON_CHARS)


def _unit(data: Mapping[str, Any]) -> str:
    return _text(data, "unit", R_UNIT, high=MAX_UNIT_CHARS)


def _register(_t: Ticket, _c: TicketCommand, _x: _Context) -> _Changes:
    return {}, {}


def _answer(_t: Ticket, command: TicketCommand, _x: _Context) -> _Changes:
    text = _text(command.data, "text", R_TEXT, high=MAX_TEXT_CHARS)
    data: dict[str, Any] = {"text": text}
    # The KB article the answer came from, and the version the operator saw: a later review
    # knows which official wording the caller was given.
    for key in ("article_id", "article_version"):
        if command.data.get(key):
            data[key] = _text(command.data, key, R_MALFORMED, high=MAX_ID_CHARS)
    return {"answer": text}, data


def _dispatch(ticket: Ticket, command: TicketCommand, context: _Context) -> _Changes:
    unit = _unit(command.data)
    deadline = context.deadline(ticket, command.at)
    return ({"unit": unit, "deadline": deadline},
            {"unit": unit, "deadline": deadline.isoformat()})


def _redispatch(ticket: Ticket, command: TicketCommand, context: _Context) -> _Changes:
    unit = _unit(command.data)
    if unit == ticket.unit:
        raise CommandRefusedError(R_SAME_UNIT)
    deadline = context.deadline(ticket, command.at)
    # The new unit starts afresh: the full time limit, and no supervision carried over.
    return ({"unit": unit, "deadline": deadline, "supervision_level": None},
            {"unit": unit, "deadline": deadline.isoformat(), "redispatch": True,
             "previous_unit": ticket.unit})


def _reject_return(ticket: Ticket, command: TicketCommand, _x: _Context) -> _Changes:
    return {}, {"unit": ticket.unit, "reason": _reason(command.data)}


def _unit_action(ticket: Ticket, _c: TicketCommand, _x: _Context) -> _Changes:
    return {}, {"unit": ticket.unit}


def _return(ticket: Ticket, command: TicketCommand, context: _Context) -> _Changes:
    if command.data.get("reason_code") is not None:  # an objection on the 66号文 rules
        return {}, {"unit": ticket.unit, **_return_reason(ticket, command, context)}
    return {}, {"unit": ticket.unit, "reason": _reason(command.data)}


def _reply(ticket: Ticket, command: TicketCommand, _x: _Context) -> _Changes:
    text = _text(command.data, "text", R_TEXT, low=MIN_REPLY_CHARS, high=MAX_TEXT_CHARS)
    return {"answer": text}, {"unit": ticket.unit, "text": text}


def _close(_t: Ticket, _c: TicketCommand, _x: _Context) -> _Changes:
    return {}, {}


def _redo(ticket: Ticket, command: TicketCommand, context: _Context) -> _Changes:
    reason = _reason(command.data)
    deadline = context.deadline(ticket, command.at)
    return ({"redo_count": ticket.redo_count + 1, "deadline": deadline},
            {"reason": reason, "unit": ticket.unit, "deadline": deadline.isoformat(),
             "redo_count": ticket.redo_count + 1})


def _merge(ticket: Ticket, command: TicketCommand, _x: _Context) -> _Changes:
    into = _text(command.data, "into", R_TARGET, high=MAX_ID_CHARS)
    if into == ticket.id:
        raise CommandRefusedError(R_TARGET)
    return {}, {"into": into}


def _extension(ticket: Ticket, command: TicketCommand, _x: _Context) -> _Changes:
    requested = _time(command.data.get("requested_deadline"), R_REQUESTED_DEADLINE)
    if ticket.deadline is not None and requested <= ticket.deadline:
        raise CommandRefusedError(R_REQUESTED_DEADLINE)
    return {}, {"unit": ticket.unit, "requested_deadline": requested.isoformat(),
                "reason": _reason(command.data),
                "decision": ExtensionDecision.PENDING.value}


def _extension_decision(ticket: Ticket, command: TicketCommand, context: _Context
                        ) -> _Changes:
    request = pending_extension(ticket)
    assert request is not None  # _check_guards
    decision = command.data.get("decision")
    if decision == ExtensionDecision.DENIED.value:
        return {}, {"decision": decision, "request_id": request.id,
                    "reason": _reason(command.data)}
    if decision != ExtensionDecision.APPROVED.value:
        raise CommandRefusedError(R_DECISION)
    start = ticket.deadline or command.at
    days = command.data.get("working_days")
    if days is not None:
        if not isinstance(days, int) or isinstance(days, bool) or not (
                1 <= days <= MAX_EXTENSION_WORKING_DAYS):
            raise CommandRefusedError(R_EXTENSION_DEADLINE)
        deadline = context.calendar.add_working_days(start, days)
    else:
        deadline = _time(command.data.get("deadline"), R_EXTENSION_DEADLINE)
        if deadline <= start:
            raise CommandRefusedError(R_EXTENSION_DEADLINE)
    if deadline <= command.at:
        # Extending a long-overdue ticket from its old deadline can land in the past: the unit
        # would be overdue the moment it is granted, so such an approval is refused.
        raise CommandRefusedError(R_EXTENSION_PAST)
    data: dict[str, Any] = {"decision": decision, "request_id": request.id,
                            "deadline": deadline.isoformat()}
    if days is not None:
        data["working_days"] = days
    return {"deadline": deadline}, data


def _supervision(ticket: Ticket, command: TicketCommand, _x: _Context) -> _Changes:
    try:
        level = SupervisionLevel(command.data.get("level", ""))
    except ValueError:
        raise CommandRefusedError(R_LADDER) from None
    target = command.data.get("unit")
    if target and target != ticket.unit:
        # 督办 of an assisting unit that does not cooperate: its own ladder, and the lead's
        # supervision level stays as it is.
        if target not in assisting_units(ticket.events):
            raise CommandRefusedError(R_NOT_ASSISTING)
        if level is not _next_level(_assisting_level(ticket, str(target))):
            raise CommandRefusedError(R_LADDER)
        notice = _text(command.data, "notice", R_NOTICE, high=MAX_TEXT_CHARS)
        return {}, {"level": level.value, "unit": target, "notice": notice, "assisting": True}
    if ticket.supervision_level is SUPERVISION_LADDER[-1]:
        raise CommandRefusedError(R_LADDER)
    if level is not next_supervision_level(ticket):
        raise CommandRefusedError(R_LADDER)
    notice = _text(command.data, "notice", R_NOTICE, high=MAX_TEXT_CHARS)
    return ({"supervision_level": level},
            {"level": level.value, "unit": ticket.unit, "notice": notice})


def _assisting_level(ticket: Ticket, unit: str) -> SupervisionLevel | None:
    levels = [str(e.data.get("level", "")) for e in ticket.events
              if e.kind == EventKind.SUPERVISED and e.data.get("assisting")
              and e.data.get("unit") == unit]
    return SupervisionLevel(levels[-1]) if levels else None


def _next_level(current: SupervisionLevel | None) -> SupervisionLevel | None:
    if current is None:
        return SUPERVISION_LADDER[0]
    position = SUPERVISION_LADDER.index(current)
    return SUPERVISION_LADDER[position + 1] if position + 1 < len(SUPERVISION_LADDER) else None


def _transfer(_t: Ticket, command: TicketCommand, context: _Context) -> _Changes:
    target = command.data.get("target")
    if target not in context.network.transfer_targets:
        raise CommandRefusedError(R_TRANSFER_TARGET)
    return {}, {"target": target, "reason": _reason(command.data)}


def _pass_down(ticket: Ticket, command: TicketCommand, context: _Context) -> _Changes:
    to_unit = _text(command.data, "to_unit", R_UNIT, high=MAX_UNIT_CHARS)
    try:
        context.network.check_pass_down(ticket.unit, to_unit)
    except PassRefusedError as exc:
        raise CommandRefusedError(exc.reason) from None
    # The deadline comes from above; the passing unit may set a shorter one, never longer.
    deadline = ticket.deadline
    if command.data.get("deadline"):
        shorter = _time(command.data.get("deadline"), R_PASS_DEADLINE)
        if shorter <= command.at or (deadline is not None and shorter > deadline):
            raise CommandRefusedError(R_PASS_DEADLINE)
        deadline = shorter
    return ({"unit": to_unit, "deadline": deadline},
            {"from_unit": ticket.unit, "to_unit": to_unit,
             "deadline": deadline.isoformat() if deadline else None,
             "shortened": deadline != ticket.deadline,
             "upper_deadline": ticket.deadline.isoformat() if ticket.deadline else None})


def _passed_down_to(ticket: Ticket, unit: str | None) -> TicketEvent | None:
    return next((e for e in reversed(ticket.events)
                 if e.kind == EventKind.PASSED_DOWN and e.data.get("to_unit") == unit), None)


def _back_up(ticket: Ticket) -> dict[str, Any]:
    """The ticket with the unit above again, and the deadline it had there."""
    passed = _passed_down_to(ticket, ticket.unit)
    assert passed is not None  # _check_network_guards: the ticket was passed down
    upper = passed.data.get("upper_deadline")
    return {"unit": passed.data.get("from_unit"),
            "deadline": parse_time(str(upper)) if upper else ticket.deadline}


def _reply_up(ticket: Ticket, command: TicketCommand, _x: _Context) -> _Changes:
    text = _text(command.data, "text", R_TEXT, low=MIN_REPLY_CHARS, high=MAX_TEXT_CHARS)
    changes = _back_up(ticket)
    return changes, {"unit": ticket.unit, "to_unit": changes["unit"], "text": text}


def _return_reason(ticket: Ticket, command: TicketCommand, context: _Context
                   ) -> dict[str, Any]:
    """派单异议: a reason from the fixed list, within the policy time of receipt."""
    reason = context.network.return_reason(str(command.data.get("reason_code", "")))
    if reason is None:
        raise CommandRefusedError(R_RETURN_REASON)
    received = received_at(ticket)
    if received is not None and command.at > context.network.return_deadline(
            received, context.calendar):
        raise CommandRefusedError(R_RETURN_LATE)
    detail = command.data.get("reason")
    text = (_reason(command.data) if detail else reason.name)
    return {"reason_code": reason.code, "reason": text}


def _return_up(ticket: Ticket, command: TicketCommand, context: _Context) -> _Changes:
    data = _return_reason(ticket, command, context)
    changes = _back_up(ticket)
    return changes, {"unit": ticket.unit, "to_unit": changes["unit"], **data}


def _review_reply(ticket: Ticket, command: TicketCommand, _x: _Context) -> _Changes:
    reply = latest_event(ticket, EventKind.REPLIED_UP)
    assert reply is not None  # _check_network_guards
    lower = str(reply.data.get("unit"))
    decision = command.data.get("decision")
    if decision == "accepted":
        # The lower unit's work is done; the upper unit carries the reply on.
        return {"answer": reply.data.get("text")}, {"unit": lower, "decision": decision}
    if decision != "sent_back":
        raise CommandRefusedError(R_REVIEW_DECISION)
    passed = _passed_down_to(ticket, lower)
    deadline = passed.data.get("deadline") if passed else None
    return ({"unit": lower, "deadline": parse_time(str(deadline)) if deadline
             else ticket.deadline},
            {"unit": lower, "decision": decision,
             "reason": _reason(command.data)})


def _request_assist(ticket: Ticket, command: TicketCommand, _x: _Context) -> _Changes:
    unit = _unit(command.data)
    if unit == ticket.unit or unit in assisting_units(ticket.events):
        raise CommandRefusedError(R_ASSIST_UNIT)
    return {}, {"unit": unit, "lead_unit": ticket.unit}


def _assist_reply(ticket: Ticket, command: TicketCommand, _x: _Context) -> _Changes:
    unit = _unit(command.data)
    if unit not in assisting_units(ticket.events):
        raise CommandRefusedError(R_NOT_ASSISTING)
    text = _text(command.data, "text", R_TEXT, low=MIN_REPLY_CHARS, high=MAX_TEXT_CHARS)
    return {}, {"unit": unit, "lead_unit": ticket.unit, "text": text}


def received_at(ticket: Ticket) -> datetime | None:
    """When the current holder received the ticket: its dispatch or pass-down."""
    for event in reversed(ticket.events):
        if event.kind == EventKind.PASSED_DOWN and event.data.get("to_unit") == ticket.unit:
            return event.at
        if event.kind == EventKind.DISPATCHED and event.data.get("unit") == ticket.unit:
            return event.at
        if event.kind == EventKind.REDO:
            return event.at
    return None


def _not_reached(ticket: Ticket, _c: TicketCommand, _x: _Context) -> _Changes:
    return {}, {"reached": False, "result": None, "process": None,
                "attempt": callback_attempts(ticket) + 1}


def _callback(_t: Ticket, command: TicketCommand, _x: _Context) -> _Changes:
    try:
        result = Rating(command.data.get("result", ""))
        process = Rating(command.data.get("process", ""))
    except ValueError:
        raise CommandRefusedError(R_RATINGS) from None
    data: dict[str, Any] = {"reached": True, "result": result.value, "process": process.value}
    remark = command.data.get("remark")
    if remark:
        data["remark"] = _text(command.data, "remark", R_NOTE, high=MAX_NOTE_CHARS)
    return {}, data


def _note(_t: Ticket, command: TicketCommand, _x: _Context) -> _Changes:
    data: dict[str, Any] = {"text": _text(command.data, "text", R_NOTE, high=MAX_NOTE_CHARS)}
    for key in ("merged_from", "split_from", "source"):
        if command.data.get(key):
            data[key] = _text(command.data, key, R_MALFORMED, high=MAX_ID_CHARS)
    return {}, data


def _split(ticket: Ticket, command: TicketCommand, _x: _Context) -> _Changes:
    to = _text(command.data, "to", R_TARGET, high=MAX_ID_CHARS)
    if to == ticket.id:
        raise CommandRefusedError(R_TARGET)
    return {}, {"to": to, "reason": _reason(command.data)}


def _time(value: Any, reason: str) -> datetime:
    try:
        return parse_time(str(value))
    except (InterchangeError, ValueError):
        raise CommandRefusedError(reason) from None


_APPLY: dict[CommandKind, Callable[[Ticket, TicketCommand, _Context], _Changes]] = {
    Action.REGISTER: _register,
    Action.ANSWER: _answer,
    Action.DISPATCH: _dispatch,
    Action.ACCEPT: _unit_action,
    Action.RETURN: _return,
    Action.REDISPATCH: _redispatch,
    Action.REJECT_RETURN: _reject_return,
    Action.REPLY: _reply,
    Action.CLOSE: _close,
    Action.REDO: _redo,
    Action.MERGE: _merge,
    SideEvent.EXTENSION: _extension,
    SideEvent.SUPERVISION: _supervision,
    SideEvent.CALLBACK_NOT_REACHED: _not_reached,
    SideEvent.NOTE: _note,
    FollowUp.CALLBACK: _callback,
    FollowUp.EXTENSION_DECISION: _extension_decision,
    FollowUp.SPLIT: _split,
    Action.TRANSFER: _transfer,
    NetworkStep.PASS_DOWN: _pass_down,
    NetworkStep.REPLY_UP: _reply_up,
    NetworkStep.RETURN_UP: _return_up,
    NetworkStep.REVIEW_REPLY: _review_reply,
    NetworkStep.REQUEST_ASSIST: _request_assist,
    NetworkStep.ASSIST_REPLY: _assist_reply,
}


# Reading the timeline ----------------------------------------------------------------------
def _since_last_reply(events: Sequence[TicketEvent]) -> list[TicketEvent]:
    """Callbacks belong to the latest reply: a redo starts the count again."""
    since: list[TicketEvent] = []
    for event in reversed(events):
        if event.kind == EventKind.REPLIED:
            break
        since.append(event)
    return since[::-1]


def last_callback(ticket: Ticket) -> TicketEvent | None:
    callbacks = [e for e in _since_last_reply(ticket.events) if e.kind == EventKind.CALLBACK]
    return callbacks[-1] if callbacks else None


def callback_attempts(ticket: Ticket) -> int:
    """回访 attempts that did not reach the caller since the unit's latest reply."""
    return unreached_callbacks(ticket.events)


def unreached_callbacks(events: Sequence[TicketEvent]) -> int:
    """The same from a timeline in order, or from its replies and callbacks alone (what a
    worklist reads of it)."""
    return sum(1 for e in _since_last_reply(events) if is_unreached_callback(e))


def is_unreached_callback(event: TicketEvent) -> bool:
    """A 回访 attempt that did not reach the caller."""
    return event.kind == EventKind.CALLBACK and not event.data.get("reached")


def unreached_attempt_numbers(events: Sequence[TicketEvent]) -> dict[str, int]:
    """Event id → which unanswered 回访 it was since the unit's reply before it (a redo and
    its new reply start the count again), for timelines whose events carry no number."""
    numbers: dict[str, int] = {}
    count = 0
    for event in events:
        if event.kind == EventKind.REPLIED:
            count = 0
        elif is_unreached_callback(event):
            count += 1
            numbers[event.id] = count
    return numbers


def may_close_unrated(callback_permitted: bool, unreached: int) -> bool:
    """A replied ticket may be closed without the caller's ratings when the caller wanted no
    回访, or was not reached MAX_CALLBACK_ATTEMPTS times since the unit's latest reply."""
    return not callback_permitted or unreached >= MAX_CALLBACK_ATTEMPTS


def callback_commands(ticket_id: str, at: datetime, actor: str, ratings: Mapping[str, Any],
                      redo_reason: str) -> list[TicketCommand]:
    """What recording a reached caller's ratings does: the 回访 itself, then a dissatisfied
    result sends the ticket back to the unit (重办, with `redo_reason`) and a complete rating
    closes it (办结)."""
    commands = [TicketCommand(ticket_id, FollowUp.CALLBACK, at, actor, dict(ratings))]
    if ratings.get("result") == Rating.DISSATISFIED.value:
        commands.append(TicketCommand(ticket_id, Action.REDO, at, actor,
                                      {"reason": redo_reason}))
    elif ratings.get("result") and ratings.get("process"):
        commands.append(TicketCommand(ticket_id, Action.CLOSE, at, actor))
    return commands


def latest_extension(known: tuple[str, bool] | None, at: str,
                     data: Mapping[str, Any]) -> tuple[str, bool]:
    """The latest extension event of a timeline read in any order, as (when, whether it is a
    request still waiting for the lead): only the latest counts, as in pending_extension_in.
    `known` is the latest seen so far, `at`/`data` the next one read."""
    if known is not None and at < known[0]:
        return known
    return at, is_pending_extension(data)


def is_pending_extension(data: Mapping[str, Any]) -> bool:
    """An extension event's data: a unit's request the lead has not decided."""
    return data.get("decision") == ExtensionDecision.PENDING.value


def pending_extension(ticket: Ticket) -> TicketEvent | None:
    """The unit's extension request still waiting for the lead, if any: the latest extension
    event, when it is an undecided request."""
    return pending_extension_in(ticket.events)


def pending_extension_in(events: Sequence[TicketEvent]) -> TicketEvent | None:
    """The same from a timeline in order, or from its extension events alone."""
    extensions = [e for e in events if e.kind == EventKind.EXTENSION]
    if extensions and is_pending_extension(extensions[-1].data):
        return extensions[-1]
    return None


def latest_event(ticket: Ticket, kind: str) -> TicketEvent | None:
    return next((e for e in reversed(ticket.events) if e.kind == kind), None)


def next_supervision_level(ticket: Ticket) -> SupervisionLevel | None:
    """The next step of the 督办 ladder; None when written supervision was already sent."""
    if ticket.supervision_level is None:
        return SUPERVISION_LADDER[0]
    position = SUPERVISION_LADDER.index(ticket.supervision_level)
    return SUPERVISION_LADDER[position + 1] if position + 1 < len(SUPERVISION_LADDER) else None


def merged_into(ticket: Ticket) -> str | None:
    event = latest_event(ticket, EventKind.MERGED)
    return str(event.data["into"]) if event is not None and event.data.get("into") else None


def merged_from(ticket: Ticket) -> list[str]:
    """Tickets merged into this one (their notes on this timeline name them)."""
    return [str(e.data["merged_from"]) for e in ticket.events
            if e.kind == EventKind.NOTE and e.data.get("merged_from")]


def needs_lead(ticket: Ticket) -> bool:
    """Flagged for the team lead: redone twice and still open."""
    return ticket.redo_count >= LEAD_ATTENTION_REDOS and ticket.status in OPEN_STATES


def check_merge_target(source: Ticket, target: Ticket | None) -> None:
    """并单 goes into another ticket that is still open; both sides check it."""
    if target is None or target.id == source.id or target.status not in OPEN_STATES:
        raise CommandRefusedError(R_TARGET)


# Split and supervision notices ------------------------------------------------------------
def split_off(source: Ticket, *, new_id: str, content: str, demand: str, at: datetime,
              actor: str) -> Ticket:
    """拆单: part of an appeal becomes a registered ticket of its own, with the caller, place
    and kind of the source; its first event names the source, whose `split` event names it."""
    content, demand = content.strip(), demand.strip()
    if not content or len(content) > MAX_NOTE_CHARS:
        raise CommandRefusedError(R_NOTE)
    return replace(source, id=new_id, created_at=at, status=TicketStatus.REGISTERED,
                   content=content, demand=demand, unit=None, deadline=None, redo_count=0,
                   answer=None, supervision_level=None,
                   events=[TicketEvent(new_event_id(), at, EventKind.REGISTERED, actor,
                                       {"split_from": source.id})])


# The notice a unit receives with each step of the ladder; {placeholders} are filled by
# `supervision_notice`. Marked for translation: the shipped notices are Chinese.
NOTICE_TEMPLATES: dict[SupervisionLevel, str] = {
    SupervisionLevel.REMINDER: QT_TRANSLATE_NOOP(
        "SupervisionNotice",
        "Reminder to {unit}: ticket {ticket} ({category}) is due {deadline}. Please handle "
        "it and reply in time. Required: {required}"),
    SupervisionLevel.PHONE: QT_TRANSLATE_NOOP(
        "SupervisionNotice",
        "Phone supervision of {unit}: ticket {ticket} ({category}), due {deadline}, has been "
        "reminded before and is still not settled. Required: {required}"),
    SupervisionLevel.WRITTEN: QT_TRANSLATE_NOOP(
        "SupervisionNotice",
        "Written supervision notice to {unit}: ticket {ticket} ({category}), due {deadline}, "
        "remains unresolved after reminder and phone supervision. The unit is required to "
        "report in writing. Required: {required}"),
}


def supervision_notice(template: str, ticket: Ticket, *, required: str) -> str:
    """A ladder notice filled from the ticket; `template` is NOTICE_TEMPLATES[level], already
    translated by the caller."""
    deadline = (ticket.deadline.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
                if ticket.deadline else "—")
    return template.format(unit=ticket.unit or "—", ticket=ticket.id,
                           category=str(ticket.category) if ticket.category else "—",
                           deadline=deadline, required=required.strip() or "—")


# Words the UI shows, translated in contexts "TicketCommandLabel" and "TicketEvent".
COMMAND_LABELS: dict[CommandKind, str] = {
    Action.REGISTER: QT_TRANSLATE_NOOP("TicketCommandLabel", "Register"),
    Action.ANSWER: QT_TRANSLATE_NOOP("TicketCommandLabel", "Answer directly"),
    Action.DISPATCH: QT_TRANSLATE_NOOP("TicketCommandLabel", "Dispatch"),
    Action.ACCEPT: QT_TRANSLATE_NOOP("TicketCommandLabel", "Accept"),
    Action.RETURN: QT_TRANSLATE_NOOP("TicketCommandLabel", "Return"),
    Action.REDISPATCH: QT_TRANSLATE_NOOP("TicketCommandLabel",
                                         "Approve return and re-dispatch"),
    Action.REJECT_RETURN: QT_TRANSLATE_NOOP("TicketCommandLabel", "Reject return"),
    Action.REPLY: QT_TRANSLATE_NOOP("TicketCommandLabel", "Reply"),
    Action.CLOSE: QT_TRANSLATE_NOOP("TicketCommandLabel", "Close"),
    Action.REDO: QT_TRANSLATE_NOOP("TicketCommandLabel", "Send back for redo"),
    Action.MERGE: QT_TRANSLATE_NOOP("TicketCommandLabel", "Merge into another ticket"),
    SideEvent.EXTENSION: QT_TRANSLATE_NOOP("TicketCommandLabel", "Request extension"),
    SideEvent.SUPERVISION: QT_TRANSLATE_NOOP("TicketCommandLabel", "Supervise"),
    SideEvent.CALLBACK_NOT_REACHED: QT_TRANSLATE_NOOP("TicketCommandLabel",
                                                      "Callback not reached"),
    SideEvent.NOTE: QT_TRANSLATE_NOOP("TicketCommandLabel", "Add note"),
    FollowUp.CALLBACK: QT_TRANSLATE_NOOP("TicketCommandLabel", "Record callback"),
    FollowUp.EXTENSION_DECISION: QT_TRANSLATE_NOOP("TicketCommandLabel",
                                                   "Decide extension request"),
    FollowUp.SPLIT: QT_TRANSLATE_NOOP("TicketCommandLabel", "Split off a ticket"),
    Action.TRANSFER: QT_TRANSLATE_NOOP("TicketCommandLabel", "Transfer the call"),
    NetworkStep.PASS_DOWN: QT_TRANSLATE_NOOP("TicketCommandLabel", "Pass down"),
    NetworkStep.REPLY_UP: QT_TRANSLATE_NOOP("TicketCommandLabel", "Reply to the unit above"),
    NetworkStep.RETURN_UP: QT_TRANSLATE_NOOP("TicketCommandLabel",
                                             "Return to the unit above"),
    NetworkStep.REVIEW_REPLY: QT_TRANSLATE_NOOP("TicketCommandLabel",
                                                "Review the reply from below"),
    NetworkStep.REQUEST_ASSIST: QT_TRANSLATE_NOOP("TicketCommandLabel",
                                                  "Add an assisting unit"),
    NetworkStep.ASSIST_REPLY: QT_TRANSLATE_NOOP("TicketCommandLabel",
                                                "Reply to the lead unit"),
}

EVENT_LABELS: dict[str, str] = {
    EventKind.REGISTERED: QT_TRANSLATE_NOOP("TicketEvent", "Registered"),
    EventKind.ANSWERED: QT_TRANSLATE_NOOP("TicketEvent", "Answered directly"),
    EventKind.DISPATCHED: QT_TRANSLATE_NOOP("TicketEvent", "Dispatched"),
    EventKind.ACCEPTED: QT_TRANSLATE_NOOP("TicketEvent", "Accepted"),
    EventKind.RETURNED: QT_TRANSLATE_NOOP("TicketEvent", "Returned"),
    EventKind.RETURN_REJECTED: QT_TRANSLATE_NOOP("TicketEvent", "Return rejected"),
    EventKind.REPLIED: QT_TRANSLATE_NOOP("TicketEvent", "Replied"),
    EventKind.CLOSED: QT_TRANSLATE_NOOP("TicketEvent", "Closed"),
    EventKind.REDO: QT_TRANSLATE_NOOP("TicketEvent", "Sent back for redo"),
    EventKind.MERGED: QT_TRANSLATE_NOOP("TicketEvent", "Merged"),
    EventKind.EXTENSION: QT_TRANSLATE_NOOP("TicketEvent", "Extension"),
    EventKind.SUPERVISED: QT_TRANSLATE_NOOP("TicketEvent", "Supervised"),
    EventKind.CALLBACK: QT_TRANSLATE_NOOP("TicketEvent", "Callback"),
    EventKind.NOTE: QT_TRANSLATE_NOOP("TicketEvent", "Note"),
    EventKind.SPLIT: QT_TRANSLATE_NOOP("TicketEvent", "Split"),
    EventKind.TRANSFERRED: QT_TRANSLATE_NOOP("TicketEvent", "Transferred"),
    EventKind.PASSED_DOWN: QT_TRANSLATE_NOOP("TicketEvent", "Passed down"),
    EventKind.REPLIED_UP: QT_TRANSLATE_NOOP("TicketEvent", "Replied to the unit above"),
    EventKind.RETURNED_UP: QT_TRANSLATE_NOOP("TicketEvent", "Returned to the unit above"),
    EventKind.REPLY_REVIEWED: QT_TRANSLATE_NOOP("TicketEvent", "Reply from below reviewed"),
    EventKind.ASSIST_REQUESTED: QT_TRANSLATE_NOOP("TicketEvent", "Assisting unit named"),
    EventKind.ASSIST_REPLIED: QT_TRANSLATE_NOOP("TicketEvent", "Assisting unit replied"),
    EventKind.MISSED_CALL: QT_TRANSLATE_NOOP("TicketEvent", "Missed call"),
    EventKind.MISSED_CALLBACK: QT_TRANSLATE_NOOP("TicketEvent", "Missed call called back"),
}
