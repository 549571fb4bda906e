"""Missed calls in the local cache (漏接回拨, issue #16): the telephony system reports an
abandoned call, an operator calls back and records whether the caller was reached.

Each call is kept as a line of the JSON Lines interchange (`"record": "missed_call"` with
`missed_call` and `missed_callback` events), so the report reads the cache and a file alike.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from agent_app.core.interchange import parse_time
from agent_app.core.lifecycle import EventKind
from agent_app.core.models import new_event_id
from agent_app.core.network_report import MISSED_CALL_RECORD
from agent_app.storage.database import Database
from agent_app.storage.schema import MissedCallRow


def record_missed_call(db: Database, number: str, at: datetime) -> str:
    """A new missed call; returns its id."""
    call_id = new_event_id()
    event = {"id": new_event_id(), "kind": EventKind.MISSED_CALL, "at": at.isoformat(),
             "number": number}
    with db.unit_of_work() as uow:
        uow.session.add(MissedCallRow(id=call_id, number=number, missed_at=at,
                                      events=json.dumps([event], ensure_ascii=False)))
        uow.commit()
    return call_id


def record_callback(db: Database, call_id: str, at: datetime, *, reached: bool,
                    actor: str) -> None:
    """回拨: one attempt, reached or not. KeyError for an unknown call."""
    with db.unit_of_work() as uow:
        row = uow.session.get(MissedCallRow, call_id)
        if row is None:
            raise KeyError(call_id)
        events = json.loads(row.events)
        events.append({"id": new_event_id(), "kind": EventKind.MISSED_CALLBACK,
                       "at": at.isoformat(), "actor": actor, "reached": reached})
        row.events = json.dumps(events, ensure_ascii=False)
        uow.commit()


def missed_call_records(db: Database, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The calls missed in [start, end) as interchange lines."""
    with db.unit_of_work() as uow:
        rows = uow.session.scalars(select(MissedCallRow).where(
            MissedCallRow.missed_at >= start, MissedCallRow.missed_at < end)
            .order_by(MissedCallRow.missed_at))
        return [{"record": MISSED_CALL_RECORD, "id": row.id, "number": row.number,
                 "events": json.loads(row.events)} for row in rows]


def awaiting_callback(db: Database) -> list[dict[str, Any]]:
    """The operator's worklist: calls not yet called back and reached, oldest first."""
    with db.unit_of_work() as uow:
        rows = list(uow.session.scalars(select(MissedCallRow)
                                        .order_by(MissedCallRow.missed_at)))
        waiting = []
        for row in rows:
            events = json.loads(row.events)
            if not any(e.get("kind") == EventKind.MISSED_CALLBACK and e.get("reached")
                       for e in events):
                waiting.append({"id": row.id, "number": row.number,
                                "missed_at": parse_time(events[0]["at"]),
                                "attempts": sum(e.get("kind") == EventKind.MISSED_CALLBACK
                                                for e in events)})
        return waiting
