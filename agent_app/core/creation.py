"""How a ticket comes to exist: its intake facts, then commands (DESIGN.md §5).

The client builds a ticket on the call (core/intake.py) and keeps it; what it sends is the
registered ticket's facts (`core.wire.IntakeFacts`) and one command per step that followed
(answer, dispatch, merge, note). The server makes the registered ticket from the facts with
the signed-in user as actor, and replays the commands through `core.actions` with its own
checks, so the ticket it stores is derived, never claimed. Both sides use these functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from agent_app.core.actions import (
    EVENT_KINDS,
    CommandKind,
    ExtensionDecision,
    FollowUp,
    NetworkStep,
    TicketCommand,
    apply_command,
)
from agent_app.core.calendar import WorkingCalendar
from agent_app.core.deadlines import DeadlinePolicy
from agent_app.core.enums import TicketStatus
from agent_app.core.lifecycle import (
    Action,
    EventKind,
    InvalidTransitionError,
    SideEvent,
    apply_action,
)
from agent_app.core.models import Caller, CategoryPath, LocationPath, Ticket, TicketEvent
from agent_app.core.wire import W_MALFORMED, IntakeFacts, WireError, parse_intake

# Steps an intake may take on the call itself, before the ticket first goes out.
INTAKE_STEPS: dict[str, CommandKind] = {
    EventKind.ANSWERED: Action.ANSWER,
    EventKind.DISPATCHED: Action.DISPATCH,
    EventKind.MERGED: Action.MERGE,
    EventKind.TRANSFERRED: Action.TRANSFER,
    EventKind.NOTE: SideEvent.NOTE,
}

# What a command takes from the event it once wrote: the inputs, not what it derived.
_COMMAND_INPUTS: dict[CommandKind, tuple[str, ...]] = {
    Action.ANSWER: ("text", "article_id", "article_version"),
    Action.DISPATCH: ("unit",),
    Action.ACCEPT: (),
    Action.RETURN: ("reason", "reason_code"),
    Action.REDISPATCH: ("unit",),
    Action.REJECT_RETURN: ("reason",),
    Action.REPLY: ("text",),
    Action.CLOSE: (),
    Action.REDO: ("reason",),
    Action.MERGE: ("into",),
    SideEvent.EXTENSION: ("requested_deadline", "reason"),
    SideEvent.SUPERVISION: ("level", "notice", "unit"),
    SideEvent.CALLBACK_NOT_REACHED: (),
    SideEvent.NOTE: ("text", "merged_from", "split_from", "source"),
    FollowUp.CALLBACK: ("result", "process", "remark"),
    FollowUp.EXTENSION_DECISION: ("decision", "reason", "working_days", "deadline"),
    FollowUp.SPLIT: ("to", "reason"),
    Action.TRANSFER: ("target", "reason"),
    NetworkStep.PASS_DOWN: ("to_unit", "deadline"),
    NetworkStep.REPLY_UP: ("text",),
    NetworkStep.RETURN_UP: ("reason_code", "reason"),
    NetworkStep.REVIEW_REPLY: ("decision", "reason"),
    NetworkStep.REQUEST_ASSIST: ("unit",),
    NetworkStep.ASSIST_REPLY: ("unit", "text"),
}


def registered_ticket(facts: IntakeFacts, actor: str) -> Ticket:
    """The ticket the facts describe, registered by `actor` at the time of the call."""
    data = {"split_from": facts.split_from} if facts.split_from else {}
    return Ticket(
        id=facts.id, created_at=facts.received_at, channel=facts.channel,
        appeal_type=facts.appeal_type, urgency=facts.urgency,
        status=TicketStatus.REGISTERED,
        caller=Caller(facts.caller_name.strip(), facts.caller_phone.strip(), facts.gender,
                      facts.phone_withheld),
        category=CategoryPath(*facts.category) if facts.category else None,
        location=LocationPath(*facts.location), address=facts.address.strip(),
        content=facts.content.strip(), demand=facts.demand.strip(),
        confidential=facts.confidential, callback_permitted=facts.callback_permitted,
        events=[TicketEvent(facts.registered_event_id, facts.received_at, EventKind.REGISTERED,
                            actor, data)])


def intake_facts(ticket: Ticket) -> IntakeFacts:
    """The facts of a ticket made on this PC, checked by the schema the server applies."""
    if not ticket.events or ticket.events[0].kind != EventKind.REGISTERED:
        raise WireError(W_MALFORMED)
    first = ticket.events[0]
    split_from = first.data.get("split_from")
    return parse_intake({
        "id": ticket.id, "received_at": ticket.created_at.isoformat(),
        "registered_event_id": first.id, "channel": ticket.channel.value,
        "appeal_type": ticket.appeal_type.value, "urgency": ticket.urgency.value,
        "category": [ticket.category.level1, ticket.category.level2] if ticket.category
        else None,
        "caller": {"name": ticket.caller.name, "phone": ticket.caller.phone,
                   "gender": ticket.caller.gender.value,
                   "phone_withheld": ticket.caller.phone_withheld},
        "location": [ticket.location.district, ticket.location.street,
                     ticket.location.community],
        "address": ticket.address, "content": ticket.content, "demand": ticket.demand,
        "confidential": ticket.confidential, "callback_permitted": ticket.callback_permitted,
        **({"split_from": str(split_from)} if split_from else {})})


def event_command(ticket_id: str, event: TicketEvent) -> TicketCommand:
    """The command that wrote `event`, with the inputs it had; WireError when no command
    writes events of that kind."""
    kind = _kind_of(event)
    inputs = {key: event.data[key] for key in _COMMAND_INPUTS[kind]
              if event.data.get(key) is not None}
    if kind is NetworkStep.PASS_DOWN and not event.data.get("shortened"):
        inputs.pop("deadline", None)  # the deadline from above, not one the unit set
    return TicketCommand(ticket_id, kind, event.at, event.actor, inputs, event.id)


def creation_steps(ticket: Ticket) -> tuple[IntakeFacts, list[TicketCommand]]:
    """A ticket from intake as what goes to the server: its facts and the commands after
    registration. Refuses a ticket whose later events are not intake steps (WireError)."""
    facts = intake_facts(ticket)
    commands = []
    status = TicketStatus.REGISTERED
    for event in ticket.events[1:]:
        if event.kind not in INTAKE_STEPS:
            raise WireError(W_MALFORMED)
        command = event_command(ticket.id, event)
        if isinstance(command.kind, Action):
            try:
                status = apply_action(status, command.kind)
            except InvalidTransitionError:
                raise WireError(W_MALFORMED) from None
        commands.append(command)
    dispatches = [c for c in commands if c.kind is Action.DISPATCH]
    unit = dispatches[-1].data.get("unit") if dispatches else None
    # A status or handling no step led to would be stored here and never on the server.
    if (status is not ticket.status or ticket.unit != unit or ticket.redo_count
            or ticket.supervision_level is not None):
        raise WireError(W_MALFORMED)
    return facts, commands


def replay_history(ticket: Ticket, *, policy: DeadlinePolicy, calendar: WorkingCalendar
                   ) -> Ticket:
    """The ticket its own events lead to, each step re-checked by the lifecycle and the
    command guards: what a server accepts when a client sends back a ticket the server lost
    in a restore. Statuses, deadlines and counters are derived, not taken."""
    facts = intake_facts(ticket)
    result = registered_ticket(facts, ticket.events[0].actor)
    for event in ticket.events[1:]:
        result = apply_command(result, event_command(ticket.id, event), policy=policy,
                               calendar=calendar)
    return result


def legacy_creation(args: Mapping[str, Any]) -> tuple[IntakeFacts, list[TicketCommand]]:
    """A `ticket.create` of the previous protocol carried the whole ticket; it is taken
    apart into facts and commands and checked as the current protocol would be."""
    from agent_app.core.interchange import InterchangeError, ticket_from_dict

    try:
        ticket = ticket_from_dict(args)
    except InterchangeError:
        raise WireError(W_MALFORMED) from None
    return creation_steps(ticket)


def _kind_of(event: TicketEvent) -> CommandKind:
    if event.kind == EventKind.DISPATCHED:
        return Action.REDISPATCH if event.data.get("redispatch") else Action.DISPATCH
    if event.kind == EventKind.CALLBACK:
        return FollowUp.CALLBACK if event.data.get("reached") else \
            SideEvent.CALLBACK_NOT_REACHED
    if event.kind == EventKind.EXTENSION:
        return (SideEvent.EXTENSION
                if event.data.get("decision") == ExtensionDecision.PENDING.value
                else FollowUp.EXTENSION_DECISION)
    for kind, written in EVENT_KINDS.items():
        if written == event.kind and kind is not Action.REGISTER:
            return kind
    raise WireError(W_MALFORMED)


def without_handling(ticket: Ticket) -> Ticket:
    """The registered ticket a built one started as (its first event only)."""
    return replace(ticket, status=TicketStatus.REGISTERED, unit=None, deadline=None,
                   answer=None, redo_count=0, supervision_level=None, events=ticket.events[:1])

