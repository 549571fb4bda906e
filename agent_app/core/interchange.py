"""The JSON Lines interchange format of DESIGN.md §7, to and from domain objects."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from agent_app.core.enums import (
    AppealType,
    Channel,
    Gender,
    SupervisionLevel,
    TicketStatus,
    Urgency,
)
from agent_app.core.models import Caller, CategoryPath, LocationPath, Ticket, TicketEvent

_EVENT_BASE_KEYS = frozenset({"id", "at", "kind", "actor"})

_Choice = TypeVar("_Choice", bound=StrEnum)
# Each choice by its text: a dictionary look-up where calling the enum costs several times
# more (a long pull reads six per ticket).
_MEMBERS: dict[type[StrEnum], dict[str, StrEnum]] = {
    kind: {member.value: member for member in kind}
    for kind in (AppealType, Channel, Gender, SupervisionLevel, TicketStatus, Urgency)}


def _choice(kind: type[_Choice], value: Any) -> _Choice:
    """`kind(value)`, the same member or the same error, faster for a known text."""
    member = _MEMBERS[kind].get(value) if type(value) is str else None
    return member if member is not None else kind(value)  # type: ignore[return-value]


class InterchangeError(ValueError):
    pass


def parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise InterchangeError(f"time without offset: {value!r}")
    return moment


# The years an imported time may name: wide for any hotline record, and far from the ends of
# datetime, where moving a time to UTC or to China time overflows (and the database's
# four-digit year text ends).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def check_year(moment: datetime, what: str) -> datetime:
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise InterchangeError(f"{what}: year {moment.year} is not between {EARLIEST_YEAR} "
                               f"and {LATEST_YEAR}")
    return moment


def shown(value: object, limit: int = 60) -> str:
    """A value from a file as an error message may quote it: cut short, and escaped when it
    holds a line break or another unprintable character (which could fake a message line)."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def ticket_from_dict(data: Mapping[str, Any]) -> Ticket:
    try:
        caller = data.get("caller") or {}
        category = data.get("category")
        location = data.get("location") or ["", "", ""]
        supervision = data.get("supervision_level")
        return Ticket(
            id=str(data["id"]),
            created_at=parse_time(data["created_at"]),
            channel=_choice(Channel, data["channel"]),
            appeal_type=_choice(AppealType, data["appeal_type"]),
            urgency=_choice(Urgency, data.get("urgency", Urgency.NORMAL)),
            status=_choice(TicketStatus, data["status"]),
            caller=Caller(
                name=caller.get("name", ""),
                phone=caller.get("phone", ""),
                gender=_choice(Gender, caller.get("gender", Gender.UNKNOWN)),
                phone_withheld=bool(caller.get("phone_withheld", False)),
            ),
            category=CategoryPath(category[0], category[1]) if category else None,
            location=LocationPath(*location),
            address=data.get("address", ""),
            content=data.get("content", ""),
            demand=data.get("demand", ""),
            confidential=bool(data.get("confidential", False)),
            callback_permitted=bool(data.get("callback_permitted", True)),
            unit=data.get("unit"),
            deadline=parse_time(data["deadline"]) if data.get("deadline") else None,
            redo_count=int(data.get("redo_count", 0)),
            answer=data.get("answer"),
            supervision_level=_choice(SupervisionLevel, supervision) if supervision else None,
            events=[event_from_dict(e) for e in data.get("events", ())],
        )
    except (AttributeError, KeyError, TypeError, ValueError, OverflowError) as exc:
        # AttributeError: an object where the format has another type (a caller as a string);
        # OverflowError: a number too big for an integer (redo_count 1e400).
        raise InterchangeError(f"ticket {shown(data.get('id', '?'))}: "
                               f"{shown(str(exc), 200)}") from exc


def event_from_dict(data: Mapping[str, Any]) -> TicketEvent:
    return TicketEvent(
        id=str(data["id"]),
        at=parse_time(data["at"]),
        kind=str(data["kind"]),
        actor=str(data.get("actor", "")),
        # Most events carry nothing beyond the base keys: no dictionary to filter.
        data=({} if data.keys() <= _EVENT_BASE_KEYS
              else {k: v for k, v in data.items() if k not in _EVENT_BASE_KEYS}),
    )


def event_to_dict(event: TicketEvent) -> dict[str, Any]:
    return {"id": event.id, "at": event.at.isoformat(), "kind": event.kind,
            "actor": event.actor, **event.data}


def ticket_to_dict(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.id,
        "created_at": ticket.created_at.isoformat(),
        "channel": ticket.channel.value,
        "appeal_type": ticket.appeal_type.value,
        "category": [ticket.category.level1, ticket.category.level2] if ticket.category else None,
        "urgency": ticket.urgency.value,
        "caller": {
            "name": ticket.caller.name,
            "phone": ticket.caller.phone,
            "gender": ticket.caller.gender.value,
            "phone_withheld": ticket.caller.phone_withheld,
        },
        "confidential": ticket.confidential,
        "callback_permitted": ticket.callback_permitted,
        "location": [ticket.location.district, ticket.location.street, ticket.location.community],
        "address": ticket.address,
        "content": ticket.content,
        "demand": ticket.demand,
        "unit": ticket.unit,
        "status": ticket.status.value,
        "deadline": ticket.deadline.isoformat() if ticket.deadline else None,
        "redo_count": ticket.redo_count,
        "answer": ticket.answer,
        "supervision_level": ticket.supervision_level.value if ticket.supervision_level else None,
        "events": [event_to_dict(e) for e in ticket.events],
    }
