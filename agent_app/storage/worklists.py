"""The team lead's and the callback operators' worklists, read from the local cache.

Each list is one query on indexed columns (status, deadline, the timeline's ticket index), so
they stay quick with 100k tickets cached; the latest event a list needs (the unit's return
reason, the reply a callback is about) comes from a correlated subquery on that index.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from agent_app.core.actions import LEAD_ATTENTION_REDOS, ExtensionDecision
from agent_app.core.deadlines import accept_deadline
from agent_app.core.enums import TicketStatus
from agent_app.core.interchange import parse_time
from agent_app.core.reference import ReferenceData
from agent_app.storage.database import Database
from agent_app.storage.queue import caller_shown
from agent_app.storage.schema import UTC_TEXT_FORMAT, utc_text

LIST_LIMIT = 2000  # more than a shift can work through; the queue shows everything
_OPEN_WITH_UNIT = (TicketStatus.DISPATCHED.value, TicketStatus.ACCEPTED.value,
                   TicketStatus.RETURNED.value)


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


def _latest(kind: str, column: str = "data") -> str:
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
    marks = ", ".join(f"'{state}'" for state in _OPEN_WITH_UNIT)
    with db.unit_of_work() as uow:
        run = uow.session.connection().exec_driver_sql
        returned = []
        for record in run(f"SELECT {_BASE}, {_latest('returned')}, {_latest('returned', 'at')} "
                          f"FROM tickets t WHERE t.status = 'returned' ORDER BY t.deadline "
                          f"LIMIT {LIST_LIMIT}"):
            data = json.loads(record[6] or "{}")
            returned.append(_item(record, ReviewKind.RETURNED, reason=str(data.get("reason", "")),
                                  since=_time(record[7])))
        extensions = []
        for record in run(f"SELECT {_BASE}, {_latest('extension')}, {_latest('extension', 'at')} "
                          f"FROM tickets t WHERE t.status IN ('dispatched', 'accepted') "
                          f"AND EXISTS (SELECT 1 FROM ticket_events x WHERE x.ticket_id = t.id "
                          f"AND x.kind = 'extension') ORDER BY t.deadline"):
            data = json.loads(record[6] or "{}")
            if data.get("decision") == ExtensionDecision.PENDING.value:
                extensions.append(_item(
                    record, ReviewKind.EXTENSION, reason=str(data.get("reason", "")),
                    requested_deadline=_event_time(data.get("requested_deadline")),
                    since=_time(record[7])))
        supervision = [_item(record, ReviewKind.OVERDUE) for record in run(
            f"SELECT {_BASE} FROM tickets t WHERE t.status IN ({marks}) AND t.deadline < ? "
            f"ORDER BY t.deadline LIMIT {LIST_LIMIT}", (utc_text(now),))]
        overdue_ids = {item.ticket_id for item in supervision}
        for record in run(f"SELECT {_BASE}, {_latest('dispatched', 'at')} FROM tickets t "
                          f"WHERE t.status = 'dispatched' ORDER BY t.deadline"):
            dispatched_at = _time(record[6])
            if (record[0] not in overdue_ids and dispatched_at is not None
                    and accept_deadline(dispatched_at, reference.policy,
                                        reference.calendar) < now):
                supervision.append(_item(record, ReviewKind.NOT_ACCEPTED, since=dispatched_at))
        redone = [_item(record, ReviewKind.REDONE) for record in run(
            f"SELECT {_BASE} FROM tickets t WHERE t.redo_count >= ? AND t.status IN "
            f"({marks}, 'replied') ORDER BY t.deadline", (LEAD_ATTENTION_REDOS,))]
    return ReviewLists(returned, extensions, supervision[:LIST_LIMIT], redone)


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
    """Replied tickets awaiting 回访, the longest waiting first."""
    sql = f"""
    SELECT t.id, r.at, coalesce(t.unit, ''), t.caller_name, t.caller_phone, t.confidential,
           coalesce(t.category_l1 || '/' || t.category_l2, ''),
           coalesce(json_extract(r.data, '$.text'), t.answer, ''),
           (SELECT count(*) FROM ticket_events c WHERE c.ticket_id = t.id
              AND c.kind = 'callback' AND c.at > r.at
              AND json_extract(c.data, '$.reached') = 0),
           t.redo_count, t.callback_permitted
    FROM tickets t
    LEFT JOIN ticket_events r ON r.id = (
        SELECT e.id FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = 'replied'
        ORDER BY e.at DESC LIMIT 1)
    WHERE t.status = 'replied'
    ORDER BY r.at
    LIMIT {LIST_LIMIT}
    """
    with db.unit_of_work() as uow:
        records = uow.session.connection().exec_driver_sql(sql).all()
    return [CallbackItem(ticket_id, _time(replied), unit,
                         caller_shown(name or "", phone or "", bool(confidential)), category,
                         reply, int(attempts or 0), int(redo or 0), bool(permitted))
            for (ticket_id, replied, unit, name, phone, confidential, category, reply,
                 attempts, redo, permitted) in records]
