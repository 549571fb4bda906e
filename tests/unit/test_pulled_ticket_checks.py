"""The faster reading and checking of a pulled ticket takes and refuses exactly what the
earlier code did. The earlier `ticket_from_dict` and `check_ticket` are kept here, as they
were, as the reference: any ticket dictionary, valid or not, must give the same ticket or the
same kind of refusal, and the event data texts must be what the cache stored before."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_app.core.enums import (
    AppealType,
    Channel,
    Gender,
    SupervisionLevel,
    TicketStatus,
    Urgency,
)
from agent_app.core.interchange import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    InterchangeError,
    parse_time,
    shown,
    ticket_from_dict,
)
from agent_app.core.models import Caller, CategoryPath, LocationPath, Ticket, TicketEvent
from agent_app.core.wire import (
    MAX_CONTENT_CHARS,
    MAX_EVENTS_PER_TICKET,
    MAX_INT,
    MAX_NAME_CHARS,
    MAX_TICKET_BYTES,
    W_UNSTORABLE,
    WireError,
    check_ticket,
    check_time,
    checked_event_data,
)


# The reference: the code as it was before the fast path --------------------------------------
def reference_ticket_from_dict(data: Mapping[str, Any]) -> Ticket:
    try:
        caller = data.get("caller") or {}
        category = data.get("category")
        location = data.get("location") or ["", "", ""]
        supervision = data.get("supervision_level")
        return Ticket(
            id=str(data["id"]),
            created_at=parse_time(data["created_at"]),
            channel=Channel(data["channel"]),
            appeal_type=AppealType(data["appeal_type"]),
            urgency=Urgency(data.get("urgency", Urgency.NORMAL)),
            status=TicketStatus(data["status"]),
            caller=Caller(
                name=caller.get("name", ""),
                phone=caller.get("phone", ""),
                gender=Gender(caller.get("gender", Gender.UNKNOWN)),
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
            supervision_level=SupervisionLevel(supervision) if supervision else None,
            events=[TicketEvent(id=str(e["id"]), at=parse_time(e["at"]), kind=str(e["kind"]),
                                actor=str(e.get("actor", "")),
                                data={k: v for k, v in e.items()
                                      if k not in {"id", "at", "kind", "actor"}})
                    for e in data.get("events", ())],
        )
    except (AttributeError, KeyError, TypeError, ValueError, OverflowError) as exc:
        raise InterchangeError(f"ticket {shown(data.get('id', '?'))}: "
                               f"{shown(str(exc), 200)}") from exc


def reference_check_ticket(ticket: Ticket) -> Ticket:
    texts = (ticket.id, ticket.caller.name, ticket.caller.phone, ticket.address,
             ticket.content, ticket.demand, ticket.location.district, ticket.location.street,
             ticket.location.community,
             *((ticket.category.level1, ticket.category.level2) if ticket.category else ()))
    if not all(isinstance(t, str) and len(t) <= MAX_CONTENT_CHARS for t in texts):
        raise WireError(W_UNSTORABLE)
    if not all(isinstance(t, str | None) and (t is None or len(t) <= MAX_CONTENT_CHARS)
               for t in (ticket.unit, ticket.answer)):
        raise WireError(W_UNSTORABLE)
    if (not isinstance(ticket.redo_count, int) or not 0 <= ticket.redo_count <= MAX_INT
            or len(ticket.events) > MAX_EVENTS_PER_TICKET):
        raise WireError(W_UNSTORABLE)
    moments = [ticket.created_at, *([ticket.deadline] if ticket.deadline else []),
               *(e.at for e in ticket.events)]
    for moment in moments:
        check_time(moment.isoformat(), W_UNSTORABLE)
    for event in ticket.events:
        if not all(isinstance(v, str) and len(v) <= MAX_NAME_CHARS
                   for v in (event.id, event.kind, event.actor)):
            raise WireError(W_UNSTORABLE)
        try:
            size = len(json.dumps(event.data, ensure_ascii=False, allow_nan=False))
        except (TypeError, ValueError):
            raise WireError(W_UNSTORABLE) from None
        if size > MAX_TICKET_BYTES:
            raise WireError(W_UNSTORABLE)
    return ticket


# Ticket dictionaries: what a server sends, with a few fields gone wrong ----------------------
_ODD = st.one_of(st.text(max_size=12), st.integers(), st.none(), st.floats(allow_nan=True),
                 st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3),
                                                                      st.integers(), max_size=2))
_OFFSETS = st.one_of(
    st.sampled_from(["+08:00", "+00:00", "Z", "-05:30", ""]),
    st.builds(lambda h, m, s, us: f"+{h:02d}:{m:02d}:{s:02d}.{us:06d}",
              st.integers(0, 23), st.integers(0, 59), st.integers(0, 59),
              st.integers(0, 999_999)))
_YEARS = st.one_of(st.integers(2020, 2030), st.sampled_from(
    [1, 999, EARLIEST_YEAR - 1, EARLIEST_YEAR, LATEST_YEAR, LATEST_YEAR + 1, 9999]))
_ODD_TIMES = st.one_of(
    st.builds(lambda y, s, us, off: f"{y:04d}-12-01T10:00:{s:02d}{us}{off}", _YEARS,
              st.integers(0, 59), st.sampled_from(["", ".5", ".123456"]), _OFFSETS), _ODD)
_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10),
              st.floats(allow_nan=True, allow_infinity=True)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8)
_LONG = "长" * (MAX_CONTENT_CHARS + 1)
# What each field may hold instead of a good value: some are refused when read, some only
# when checked (too long, out of range, not storable).
_ODD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "id": st.one_of(_ODD, st.just("T" * (MAX_CONTENT_CHARS + 1))),
    "created_at": _ODD_TIMES, "deadline": _ODD_TIMES,
    "channel": _ODD, "appeal_type": _ODD, "urgency": _ODD, "status": _ODD,
    "caller": st.one_of(_ODD, st.fixed_dictionaries(
        {"name": st.one_of(_ODD, st.just(_LONG)), "phone": _ODD, "gender": _ODD,
         "phone_withheld": _ODD})),
    "category": st.one_of(_ODD, st.lists(st.one_of(st.text(max_size=3), st.integers()),
                                         max_size=3), st.just(["城市管理", _LONG])),
    "location": st.one_of(_ODD, st.lists(st.one_of(st.text(max_size=3), st.integers(),
                                                   st.just(_LONG)), max_size=4)),
    "address": st.one_of(_ODD, st.just(_LONG)), "content": st.one_of(_ODD, st.just(_LONG)),
    "demand": _ODD, "confidential": _ODD, "callback_permitted": _ODD,
    "unit": st.one_of(_ODD, st.just(_LONG)), "answer": st.one_of(_ODD, st.just(_LONG)),
    "redo_count": st.one_of(_ODD, st.integers(-2, MAX_INT + 2)),
    "supervision_level": _ODD,
}
_ODD_EVENT_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "id": st.one_of(_ODD, st.just("e" * (MAX_NAME_CHARS + 1))), "at": _ODD_TIMES,
    "kind": st.one_of(_ODD, st.just("k" * (MAX_NAME_CHARS + 1))), "actor": _ODD,
    "note": st.one_of(_JSON, st.just("长" * MAX_TICKET_BYTES)), "unit": _JSON,
}


@st.composite
def wire_tickets(draw: st.DrawFn) -> dict[str, Any]:
    events: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 3))):
        event: dict[str, Any] = {"id": str(draw(st.uuids())), "at": "2026-12-01T10:00:00+08:00",
                                 "kind": draw(st.sampled_from(["registered", "note"])),
                                 "actor": "op01"}
        for key in draw(st.lists(st.sampled_from(sorted(_ODD_EVENT_VALUES)), max_size=2)):
            if draw(st.booleans()):
                event[key] = draw(_ODD_EVENT_VALUES[key])
            else:
                event.pop(key, None)  # left out: its default, or a refusal
        events.append(event)
    ticket: dict[str, Any] = {
        "id": "SEED-0000001", "created_at": "2026-12-01T01:40:00+08:00",
        "channel": draw(st.sampled_from([c.value for c in Channel])),
        "appeal_type": draw(st.sampled_from([a.value for a in AppealType])),
        "urgency": draw(st.sampled_from([u.value for u in Urgency])),
        "status": draw(st.sampled_from([s.value for s in TicketStatus])),
        "caller": {"name": "张先生", "phone": "13900000001",
                   "gender": draw(st.sampled_from([g.value for g in Gender])),
                   "phone_withheld": draw(st.booleans())},
        "category": draw(st.sampled_from([["城市管理", "路灯照明"], None])),
        "location": ["卫东区", "五一路街道", "五一路社区"],
        "address": "五一路市41中门口", "content": "路灯长期不亮", "demand": "希望尽快修复",
        "confidential": draw(st.booleans()), "callback_permitted": draw(st.booleans()),
        "unit": draw(st.sampled_from([None, "市城市管理局"])),
        "deadline": draw(st.sampled_from([None, "2026-12-08T18:00:00+08:00"])),
        "redo_count": draw(st.integers(0, 3)), "answer": draw(st.sampled_from([None, "已答复"])),
        "supervision_level": draw(st.sampled_from([None, *[s.value for s in SupervisionLevel]])),
        "events": events,
    }
    for key in draw(st.lists(st.sampled_from(sorted(_ODD_VALUES)), max_size=2)):
        if draw(st.booleans()):
            ticket[key] = draw(_ODD_VALUES[key])
        else:
            ticket.pop(key, None)  # left out: its default, or a refusal
    return ticket


def outcome(read: Any, check: Any, data: dict[str, Any]) -> tuple[str, Any]:
    try:
        ticket = read(data)
    except Exception as exc:  # which exception, not its text: messages may quote differently
        return "read refused", type(exc)
    try:
        check(ticket)
    except Exception as exc:
        return "check refused", type(exc)
    return "stored", ticket


@settings(max_examples=600, deadline=None)
@given(wire_tickets())
def test_a_pulled_ticket_is_read_checked_and_refused_as_before(data):
    before = outcome(reference_ticket_from_dict, reference_check_ticket, data)
    now = outcome(ticket_from_dict, check_ticket, data)
    assert now == before
    if before[0] == "stored":
        # The texts the cache stores for the events' data: as the bulk insert wrote them.
        assert checked_event_data(before[1]) == [json.dumps(e.data, ensure_ascii=False)
                                                 for e in before[1].events]


def test_the_generated_tickets_reach_every_outcome():
    """The property above is worth something only if its tickets are both stored and
    refused, at reading and at checking."""
    seen: set[str] = set()

    @settings(max_examples=300, deadline=None)
    @given(wire_tickets())
    def collect(data: dict[str, Any]) -> None:
        seen.add(outcome(ticket_from_dict, check_ticket, data)[0])

    collect()
    assert seen == {"stored", "read refused", "check refused"}


def _event_ticket(*moments: datetime, data: dict[str, Any] | None = None) -> Ticket:
    ticket = ticket_from_dict({"id": "T-1", "created_at": "2026-12-01T10:00:00+08:00",
                               "channel": Channel.PHONE_12345.value,
                               "appeal_type": AppealType.COMPLAINT.value,
                               "status": TicketStatus.REGISTERED.value, "events": []})
    ticket.events = [TicketEvent(id=f"e{n}", at=moment, kind="note", data=data or {})
                     for n, moment in enumerate(moments)]
    return ticket


@pytest.mark.parametrize("moment", [
    datetime(2026, 12, 1, tzinfo=UTC),
    datetime(2026, 12, 1),  # naive: no offset to store it by
    datetime(EARLIEST_YEAR - 1, 12, 31, tzinfo=UTC),
    datetime(LATEST_YEAR + 1, 1, 1, tzinfo=UTC),
    datetime(9999, 12, 31, 23, tzinfo=timezone(-timedelta(hours=23))),
    datetime(2026, 12, 1, 0, 0, 0, 1,
             tzinfo=timezone(timedelta(hours=5, seconds=1, microseconds=1))),  # 42 characters
])
def test_an_event_time_is_checked_as_its_text_was(moment):
    def verdict(check: Any) -> bool:
        try:
            check(_event_ticket(moment))
        except WireError:
            return False
        return True

    assert verdict(check_ticket) == verdict(reference_check_ticket)


@pytest.mark.parametrize("data", [{"x": math.nan}, {"x": math.inf}, {"x": object()},
                                  {"x": "长" * MAX_TICKET_BYTES}])
def test_event_data_that_is_not_plain_json_or_too_big_is_refused(data):
    with pytest.raises(WireError):
        reference_check_ticket(_event_ticket(datetime(2026, 12, 1, tzinfo=UTC), data=data))
    with pytest.raises(WireError):
        checked_event_data(_event_ticket(datetime(2026, 12, 1, tzinfo=UTC), data=data))
