"""The team lead's and the callback operators' worklists, read from the local cache.

Each list is one query on indexed columns (status, deadline, the timeline's ticket index), so
they stay quick with 100k tickets cached; the latest event a list needs (the unit's return
reason, the reply a callback is about) comes from a correlated subquery on that index. SQL
only narrows to candidates: where a rule reads the timeline (is an extension request still
waiting, how many callbacks failed since the reply), the candidates' events of that kind are
read and the core's rule decides.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from agent_app.core.actions import (
    FOLLOW_UP_STATES,
    LEAD_ATTENTION_REDOS,
    FollowUp,
    pending_extension_in,
    unreached_callbacks,
)
from agent_app.core.deadlines import accept_deadline
from agent_app.core.enums import TicketStatus
from agent_app.core.interchange import parse_time
from agent_app.core.lifecycle import DEADLINE_RUNNING_STATES, OPEN_STATES, EventKind
from agent_app.core.models import TicketEvent
from agent_app.core.reference import ReferenceData
from agent_app.storage.database import Database
from agent_app.storage.queue import caller_shown
from agent_app.storage.schema import UTC_TEXT_FORMAT, utc_text

LIST_LIMIT = 2000  # more than a shift can work through; the queue shows everything


def _marks(states: Iterable[TicketStatus]) -> str:
    return ", ".join(f"'{state}'" for state in sorted(states))


_RUNNING = _marks(DEADLINE_RUNNING_STATES)  # can be overdue
_DECIDABLE = _marks(FOLLOW_UP_STATES[FollowUp.EXTENSION_DECISION])
_OPEN = _marks(OPEN_STATES)


class ReviewKind:
    RETURNED = "returned"
    EXTENSION = "extension"
    OVERDUE = "overdue"
    NOT_ACCEPTED = "not_accepted"
    REDONE = "redone"


@dataclass(frozen=True)
class ReviewItem:
    ticket_id: str
    kind: str  # a ReviewKind
    unit: str
    category: str
    deadline: datetime | None
    supervision_level: str
    redo_count: int
    reason: str = ""  # the unit's return or extension reason
    requested_deadline: datetime | None = None
    since: datetime | None = None  # returned / asked / dispatched at


@dataclass(frozen=True)
class ReviewLists:
    returned: list[ReviewItem]
    extensions: list[ReviewItem]
    supervision: list[ReviewItem]  # overdue, or dispatched and not accepted in time
    redone: list[ReviewItem]


_BASE = "t.id, coalesce(t.unit, ''), coalesce(t.category_l1 || '/' || t.category_l2, ''), " \
        "t.deadline, coalesce(t.supervision_level, ''), t.redo_count"


def _latest(kind: EventKind, column: str = "data") -> str:
    return (f"(SELECT e.{column} FROM ticket_events e WHERE e.ticket_id = t.id "
            f"AND e.kind = '{kind}' ORDER BY e.at DESC LIMIT 1)")


def _time(text: str | None) -> datetime | None:
    return datetime.strptime(text, UTC_TEXT_FORMAT).replace(tzinfo=UTC) if text else None


def _item(record: Any, kind: str, **extra: Any) -> ReviewItem:
    ticket_id, unit, category, deadline, level, redo = record[:6]
    return ReviewItem(ticket_id, kind, unit, category, _time(deadline), level, redo or 0,
                      **extra)


def _event_time(value: Any) -> datetime | None:
    try:
        return parse_time(str(value)) if value else None
    except ValueError:
        return None


def load_review(db: Database, now: datetime, reference: ReferenceData) -> ReviewLists:
    """SQL narrows to candidates on indexed columns; the core's rules decide which are due."""
    with db.unit_of_work() as uow:
        run = uow.session.connection().exec_driver_sql
        returned = []
        for record in run(f"SELECT {_BASE}, {_latest(EventKind.RETURNED)}, "
                          f"{_latest(EventKind.RETURNED, 'at')} FROM tickets t "
                          f"WHERE t.status = '{TicketStatus.RETURNED}' ORDER BY t.deadline "
                          f"LIMIT {LIST_LIMIT}"):
            data = json.loads(record[6] or "{}")
            returned.append(_item(record, ReviewKind.RETURNED, reason=str(data.get("reason", "")),
                                  since=_time(record[7])))
        extensions = _pending_extensions(run)
        supervision = [_item(record, ReviewKind.OVERDUE) for record in run(
            f"SELECT {_BASE} FROM tickets t WHERE t.status IN ({_RUNNING}) AND t.deadline < ? "
            f"ORDER BY t.deadline LIMIT {LIST_LIMIT}", (utc_text(now),))]
        overdue_ids = {item.ticket_id for item in supervision}
        for record in run(f"SELECT {_BASE}, {_latest(EventKind.DISPATCHED, 'at')} "
                          f"FROM tickets t WHERE t.status = '{TicketStatus.DISPATCHED}' "
                          f"ORDER BY t.deadline"):
            dispatched_at = _time(record[6])
            if (record[0] not in overdue_ids and dispatched_at is not None
                    and accept_deadline(dispatched_at, reference.policy,
                                        reference.calendar) < now):
                supervision.append(_item(record, ReviewKind.NOT_ACCEPTED, since=dispatched_at))
        redone = [_item(record, ReviewKind.REDONE) for record in run(
            f"SELECT {_BASE} FROM tickets t WHERE t.redo_count >= ? AND t.status IN "
            f"({_OPEN}) ORDER BY t.deadline", (LEAD_ATTENTION_REDOS,))]
    return ReviewLists(returned, extensions, supervision[:LIST_LIMIT], redone)


def _pending_extensions(run: Any) -> list[ReviewItem]:
    """Tickets a lead may decide an extension on, with their extension events in timeline
    order; `pending_extension_in` says which request still waits."""
    items = []
    records = run(f"SELECT {_BASE}, e.id, e.at, e.data FROM tickets t "
                  f"JOIN ticket_events e ON e.ticket_id = t.id "
                  f"AND e.kind = '{EventKind.EXTENSION}' "
                  f"WHERE t.status IN ({_DECIDABLE}) ORDER BY t.deadline, t.id, e.at, e.id")
    for _, group in groupby(records, key=lambda record: record[0]):
        rows = list(group)
        request = pending_extension_in([_event(EventKind.EXTENSION, *row[6:9]) for row in rows])
        if request is not None:
            items.append(_item(
                rows[0], ReviewKind.EXTENSION, reason=str(request.data.get("reason", "")),
                requested_deadline=_event_time(request.data.get("requested_deadline")),
                since=request.at))
    return items


def _event(kind: str, event_id: str, at: str, data: str | None) -> TicketEvent:
    return TicketEvent(event_id, _time(at) or datetime.min.replace(tzinfo=UTC), kind,
                       data=json.loads(data or "{}"))


@dataclass(frozen=True)
class CallbackItem:
    ticket_id: str
    replied_at: datetime | None
    unit: str
    caller: str  # masked when confidential
    category: str
    reply: str
    attempts: int  # callbacks that did not reach the caller since the reply
    redo_count: int
    callback_permitted: bool


def load_callbacks(db: Database) -> list[CallbackItem]:
    """Replied tickets awaiting 回访, the longest waiting first. The attempts are counted by
    the core's rule from each ticket's replies and callbacks."""
    sql = f"""
    SELECT t.id, r.at, coalesce(t.unit, ''), t.caller_name, t.caller_phone, t.confidential,
           coalesce(t.category_l1 || '/' || t.category_l2, ''),
           coalesce(json_extract(r.data, '$.text'), t.answer, ''),
           t.redo_count, t.callback_permitted
    FROM tickets t
    LEFT JOIN ticket_events r ON r.id = (
        SELECT e.id FROM ticket_events e WHERE e.ticket_id = t.id
        AND e.kind = '{EventKind.REPLIED}' ORDER BY e.at DESC LIMIT 1)
    WHERE t.status = '{TicketStatus.REPLIED}'
    ORDER BY r.at
    LIMIT {LIST_LIMIT}
    """
    with db.unit_of_work() as uow:
        run = uow.session.connection().exec_driver_sql
        records = run(sql).all()
        timelines = _replies_and_callbacks(run, [record[0] for record in records])
    return [CallbackItem(ticket_id, _time(replied), unit,
                         caller_shown(name or "", phone or "", bool(confidential)), category,
                         reply, unreached_callbacks(timelines.get(ticket_id, [])),
                         int(redo or 0), bool(permitted))
            for (ticket_id, replied, unit, name, phone, confidential, category, reply,
                 redo, permitted) in records]


_CALLBACK_CHUNK = 500  # ticket ids per query, well under SQLite's limit on parameters


def _replies_and_callbacks(run: Any, ticket_ids: list[str]) -> dict[str, list[TicketEvent]]:
    """The replied and callback events of these tickets, each ticket's in timeline order, with
    of their data only what the rule reads (whether the callback reached the caller)."""
    timelines: dict[str, list[TicketEvent]] = {}
    for start in range(0, len(ticket_ids), _CALLBACK_CHUNK):
        chunk = ticket_ids[start:start + _CALLBACK_CHUNK]
        marks = ", ".join("?" * len(chunk))
        for ticket_id, event_id, kind, at, reached in run(
                f"SELECT ticket_id, id, kind, at, json_extract(data, '$.reached') "
                f"FROM ticket_events WHERE ticket_id IN ({marks}) "
                f"AND kind IN ('{EventKind.REPLIED}', '{EventKind.CALLBACK}') "
                f"ORDER BY ticket_id, at, id", tuple(chunk)):
            data = {} if reached is None else {"reached": bool(reached)}
            timelines.setdefault(ticket_id, []).append(
                TicketEvent(event_id, _time(at) or datetime.min.replace(tzinfo=UTC), kind,
                            data=data))
    return timelines
