"""The one schema of what a client may push (DESIGN.md §5): types, lengths, ranges, list sizes.

The client checks a mutation with `check_mutation` before it is queued, and the server checks
it again before anything is applied, with the same function; a mutation that fails is never
applied and is acknowledged `rejected` with the reason. Reasons are fixed English sentences
marked for translation in context "Wire" (the server sends them translated, see
`core.i18n.translated`), and never quote the offending value: a confidential caller's number
must not travel back in an error.

A ticket is created from its intake facts (`IntakeFacts`): who called, when, about what and
where. Everything that follows — the answer, the dispatch, a merge, notes — is a ticket
command (core/actions.py) that the server replays with the signed-in user as actor; no status,
event, actor, rating or counter a client claims is ever stored.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from agent_app.core.enums import AppealType, Channel, Gender, Urgency
from agent_app.core.errors import UserError
from agent_app.core.i18n import QT_TRANSLATE_NOOP
from agent_app.core.interchange import EARLIEST_YEAR, LATEST_YEAR
from agent_app.core.models import Ticket

WIRE_CONTEXT = "Wire"

# Limits, one home for client and server.
MAX_ID_CHARS = 40
MAX_NAME_CHARS = 64
MAX_PHONE_CHARS = 32
MAX_PLACE_CHARS = 60  # one level of district › street › community, one category level
MAX_ADDRESS_CHARS = 200
MAX_CONTENT_CHARS = 2500
MAX_DEMAND_CHARS = 1000
MAX_DATA_TEXT_CHARS = 2500  # any text a command carries (note, reply, notice, reason)
# The texts of ticket commands, counted without the spaces around them: the commands
# (core/actions) and the server's unit endpoints hold every text to these same bounds.
MIN_REASON_CHARS = 2  # a return, redo, denial...: one character says no reason
MAX_REASON_CHARS = 500
MIN_REPLY_CHARS = 5  # a unit's reply
MAX_TEXT_CHARS = 2000  # an answer, a reply, a supervision notice
MAX_NOTE_CHARS = 2500  # a note, a callback remark, a split-off appeal
MAX_UNIT_CHARS = 80  # a unit's name
MAX_DATA_KEYS = 8
MAX_EVENTS_PER_TICKET = 400
MAX_TICKET_BYTES = 256 * 1024  # a stored ticket's JSON; notes beyond it are refused
MAX_INT = 10_000
# A call is registered when it happens; a PC whose clock runs a little ahead is tolerated,
# and an offline PC may hold a call for a while, but not for a season.
CLOCK_SKEW = timedelta(minutes=10)
MAX_RECEIVED_AGE = timedelta(days=45)

TICKET_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_PHONE_CHARS_RE = re.compile(r"^[0-9+\- ()]*$")


class WireError(UserError):
    """A mutation outside the schema; `reason` is a fixed sentence in context "Wire"."""

    context = WIRE_CONTEXT


W_MALFORMED = QT_TRANSLATE_NOOP("Wire", "The change is malformed and was not applied.")
W_OLD_CLIENT = QT_TRANSLATE_NOOP(
    "Wire", "This client is too old for the server: update the program, then sync again.")
W_ID = QT_TRANSLATE_NOOP("Wire", "The ticket number is missing or malformed.")
W_ENTITY = QT_TRANSLATE_NOOP("Wire", "The change names another ticket than its contents.")
W_EVENT_ID = QT_TRANSLATE_NOOP("Wire", "The change carries a malformed event id.")
W_RECEIVED = QT_TRANSLATE_NOOP(
    "Wire", "The time of the call is missing, in the future, or too long ago.")
W_CHOICE = QT_TRANSLATE_NOOP(
    "Wire", "A channel, appeal type, urgency or gender is not one the hotline knows.")
W_CALLER = QT_TRANSLATE_NOOP("Wire", "The caller's name or phone number is malformed.")
W_PLACE = QT_TRANSLATE_NOOP(
    "Wire", "The category or location must be a list of names of the right length.")
W_TEXT = QT_TRANSLATE_NOOP(
    "Wire", "The content, demand or address is missing, not text, or too long.")
W_FLAG = QT_TRANSLATE_NOOP("Wire", "A yes/no field holds something else.")
W_DATA = QT_TRANSLATE_NOOP(
    "Wire", "The command carries a value of the wrong type or size.")
W_TIME = QT_TRANSLATE_NOOP("Wire", "The time of the action is malformed or out of range.")
W_TOO_BIG = QT_TRANSLATE_NOOP(
    "Wire", "The ticket has reached its size limit: no more notes can be added to it.")
W_UNKNOWN_OP = QT_TRANSLATE_NOOP("Wire", "The server does not know this kind of change.")
W_EXISTS = QT_TRANSLATE_NOOP("Wire", "A different ticket with this number already exists.")
W_NO_TICKET = QT_TRANSLATE_NOOP("Wire", "The server has no such ticket.")
W_NOT_LOST = QT_TRANSLATE_NOOP(
    "Wire", "Only a ticket the server lost in a restore, sent back by whoever registered it, "
    "can be recovered.")

_INTAKE_KEYS = frozenset({
    "id", "received_at", "registered_event_id", "channel", "appeal_type", "urgency",
    "category", "caller", "location", "address", "content", "demand", "confidential",
    "callback_permitted", "split_from"})
_CALLER_KEYS = frozenset({"name", "phone", "gender", "phone_withheld"})
# What the previous protocol sent with a ticket.create: the whole ticket as the client saw it.
LEGACY_TICKET_KEYS = frozenset({"status", "events", "created_at", "unit", "deadline",
                                "redo_count", "answer", "supervision_level"})


@dataclass(frozen=True)
class IntakeFacts:
    """What a `ticket.create` carries: the facts of a call, checked; nothing about handling."""

    id: str
    received_at: datetime
    registered_event_id: str
    channel: Channel
    appeal_type: AppealType
    urgency: Urgency
    category: tuple[str, str] | None
    caller_name: str
    caller_phone: str
    gender: Gender
    phone_withheld: bool
    location: tuple[str, str, str]
    address: str
    content: str
    demand: str
    confidential: bool
    callback_permitted: bool
    split_from: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id, "received_at": self.received_at.isoformat(),
            "registered_event_id": self.registered_event_id, "channel": self.channel.value,
            "appeal_type": self.appeal_type.value, "urgency": self.urgency.value,
            "category": list(self.category) if self.category else None,
            "caller": {"name": self.caller_name, "phone": self.caller_phone,
                       "gender": self.gender.value, "phone_withheld": self.phone_withheld},
            "location": list(self.location), "address": self.address,
            "content": self.content, "demand": self.demand,
            "confidential": self.confidential, "callback_permitted": self.callback_permitted}
        if self.split_from:
            data["split_from"] = self.split_from
        return data


def parse_intake(args: Any, *, now: datetime | None = None) -> IntakeFacts:
    """The checked facts of a `ticket.create`, or WireError. With `now`, the received time
    must lie between MAX_RECEIVED_AGE before it and CLOCK_SKEW after it."""
    if not isinstance(args, Mapping):
        raise WireError(W_MALFORMED)
    if LEGACY_TICKET_KEYS & args.keys():
        raise WireError(W_OLD_CLIENT)
    if not args.keys() <= _INTAKE_KEYS:
        raise WireError(W_MALFORMED)
    caller = args.get("caller", {})
    if not isinstance(caller, Mapping) or not caller.keys() <= _CALLER_KEYS:
        raise WireError(W_CALLER)
    received = check_time(args.get("received_at"), W_RECEIVED)
    if now is not None and not now - MAX_RECEIVED_AGE <= received <= now + CLOCK_SKEW:
        raise WireError(W_RECEIVED)
    split_from = args.get("split_from")
    if split_from is not None:
        split_from = check_ticket_id(split_from)
    category = args.get("category")
    return IntakeFacts(
        id=check_ticket_id(args.get("id")),
        received_at=received,
        registered_event_id=check_event_id(args.get("registered_event_id")),
        channel=_choice(Channel, args.get("channel")),
        appeal_type=_choice(AppealType, args.get("appeal_type")),
        urgency=_choice(Urgency, args.get("urgency", Urgency.NORMAL.value)),
        category=None if category is None else _names(category, 2),  # type: ignore[arg-type]
        caller_name=_text(caller.get("name", ""), MAX_NAME_CHARS, W_CALLER),
        caller_phone=_phone(caller.get("phone", "")),
        gender=_choice(Gender, caller.get("gender", Gender.UNKNOWN.value)),
        phone_withheld=_flag(caller.get("phone_withheld", False)),
        location=_names(args.get("location", ["", "", ""]), 3),  # type: ignore[arg-type]
        address=_text(args.get("address", ""), MAX_ADDRESS_CHARS, W_TEXT),
        content=_text(args.get("content"), MAX_CONTENT_CHARS, W_TEXT, low=1),
        demand=_text(args.get("demand", ""), MAX_DEMAND_CHARS, W_TEXT),
        confidential=_flag(args.get("confidential", False)),
        callback_permitted=_flag(args.get("callback_permitted", True)),
        split_from=split_from,
    )


def check_command_shape(args: Any, *, now: datetime | None = None) -> None:
    """The envelope of a `ticket.action` (core/actions.TicketCommand.to_dict): ids, time, and
    data that is flat — short texts, small numbers, yes/no — so nothing a client sends can
    grow a ticket or nest. Which keys a command may carry is its own handler's business."""
    if not isinstance(args, Mapping) or not args.keys() <= {
            "ticket_id", "kind", "event_id", "at", "actor", "data"}:
        raise WireError(W_MALFORMED)
    check_ticket_id(args.get("ticket_id"))
    check_event_id(args.get("event_id"))
    if not isinstance(args.get("kind"), str) or len(args["kind"]) > MAX_ID_CHARS:
        raise WireError(W_MALFORMED)
    if not isinstance(args.get("actor", ""), str) or len(args.get("actor", "")) > MAX_NAME_CHARS:
        raise WireError(W_MALFORMED)
    at = check_time(args.get("at"), W_TIME)
    if now is not None and not now - MAX_RECEIVED_AGE <= at <= now + CLOCK_SKEW:
        raise WireError(W_TIME)
    data = args.get("data", {})
    if not isinstance(data, Mapping) or len(data) > MAX_DATA_KEYS:
        raise WireError(W_DATA)
    for key, value in data.items():
        if not isinstance(key, str) or len(key) > MAX_ID_CHARS:
            raise WireError(W_DATA)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int):
            if not -MAX_INT <= value <= MAX_INT:
                raise WireError(W_DATA)
        elif not isinstance(value, str) or len(value) > MAX_DATA_TEXT_CHARS:
            raise WireError(W_DATA)


def check_ticket_id(value: Any) -> str:
    if not isinstance(value, str) or not TICKET_ID_RE.match(value):
        raise WireError(W_ID)
    return value


def check_event_id(value: Any) -> str:
    """Event ids are UUIDs made by the client (models.new_event_id), in their canonical form,
    so one id cannot be written two ways."""
    try:
        if isinstance(value, str) and str(uuid.UUID(value)) == value:
            return value
    except ValueError:
        pass
    raise WireError(W_EVENT_ID)


def check_time(value: Any, reason: str) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise WireError(reason)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise WireError(reason) from None
    if moment.tzinfo is None or not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise WireError(reason)
    try:
        moment.utcoffset()
        moment.timestamp()
    except (OverflowError, ValueError):  # a year at the edge with a large offset
        raise WireError(reason) from None
    return moment


def _choice(kind: type[Any], value: Any) -> Any:
    try:
        if isinstance(value, str):
            return kind(value)
    except ValueError:
        pass
    raise WireError(W_CHOICE)


def _names(value: Any, length: int) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or len(value) != length or not all(
            isinstance(v, str) and len(v) <= MAX_PLACE_CHARS for v in value):
        raise WireError(W_PLACE)
    if length == 2 and not all(v.strip() for v in value):
        raise WireError(W_PLACE)
    return tuple(value)


def _text(value: Any, limit: int, reason: str, *, low: int = 0) -> str:
    if not isinstance(value, str) or not low <= len(value.strip()) or len(value) > limit:
        raise WireError(reason)
    return value


def _phone(value: Any) -> str:
    if (not isinstance(value, str) or len(value) > MAX_PHONE_CHARS
            or not _PHONE_CHARS_RE.match(value)):
        raise WireError(W_CALLER)
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise WireError(W_FLAG)
    return value


W_UNSTORABLE = QT_TRANSLATE_NOOP(
    "Wire", "The server sent a ticket of a shape this PC cannot store; it was set aside.")


def check_ticket(ticket: Ticket) -> Ticket:
    """A ticket from elsewhere (a pull, an import) holds only what a cache can store: text
    where text belongs, numbers in range, years a datetime can move between time zones, and
    event data that is plain JSON. WireError(W_UNSTORABLE) otherwise."""
    checked_event_data(ticket)
    return ticket


def checked_event_data(ticket: Ticket) -> list[str]:
    """`check_ticket`, returning each event's data as the JSON text a cache stores: the check
    encodes it anyway, so a pull stores that text instead of encoding every event twice."""
    for text in (ticket.id, ticket.caller.name, ticket.caller.phone, ticket.address,
                 ticket.content, ticket.demand, ticket.location.district,
                 ticket.location.street, ticket.location.community,
                 *((ticket.category.level1, ticket.category.level2) if ticket.category
                   else ())):
        if not isinstance(text, str) or len(text) > MAX_CONTENT_CHARS:
            raise WireError(W_UNSTORABLE)
    for optional in (ticket.unit, ticket.answer):
        if optional is not None and (not isinstance(optional, str)
                                     or len(optional) > MAX_CONTENT_CHARS):
            raise WireError(W_UNSTORABLE)
    if (not isinstance(ticket.redo_count, int) or not 0 <= ticket.redo_count <= MAX_INT
            or len(ticket.events) > MAX_EVENTS_PER_TICKET):
        raise WireError(W_UNSTORABLE)
    for moment in [ticket.created_at, *([ticket.deadline] if ticket.deadline else []),
                   *(e.at for e in ticket.events)]:
        _check_moment(moment)
    encoded: list[str] = []
    for event in ticket.events:
        for name in (event.id, event.kind, event.actor):
            if not isinstance(name, str) or len(name) > MAX_NAME_CHARS:
                raise WireError(W_UNSTORABLE)
        data = event.data
        if type(data) is dict and not data:
            encoded.append("{}")  # most events carry nothing but their id, time and kind
            continue
        try:
            text = json.dumps(data, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError):
            raise WireError(W_UNSTORABLE) from None
        if len(text) > MAX_TICKET_BYTES:
            raise WireError(W_UNSTORABLE)
        encoded.append(text)
    return encoded


def _check_moment(moment: datetime) -> None:
    """`check_time(moment.isoformat(), W_UNSTORABLE)` without making and parsing that text:
    an aware datetime's isoformat always parses back (fromisoformat is its inverse) to the
    same year and offset. Its text is 19 characters, 7 more with microseconds, and 6, 9 or 16
    for an offset in minutes, seconds or microseconds: over 40 only with microseconds in
    both. Between EARLIEST_YEAR and LATEST_YEAR, moving it to UTC cannot overflow."""
    if not isinstance(moment, datetime):
        check_time(moment.isoformat(), W_UNSTORABLE)  # what anything else was held to
        return
    offset = moment.utcoffset()
    if (offset is None or (moment.microsecond and offset.microseconds)
            or not EARLIEST_YEAR <= moment.year <= LATEST_YEAR):
        raise WireError(W_UNSTORABLE)
