"""One ticket by id for the hotline's own staff; deletion by an admin (a test or spam ticket),
which leaves a tombstone so every client drops it; and compaction of old tombstones, after
which a cursor older than the last one compacted can no longer be served (410)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from fastapi import APIRouter
from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session

from agent_app.core.refusals import NO_TICKET
from central_api import audit
from central_api.cursors import PULL_FLOOR_KEY, pull_floor
from central_api.deps import API, SessionDep, refusals, require_roles
from central_api.models import ServerMeta, TicketRecord, User
from central_api.refused import refuse
from central_api.versions import lock_versions, next_version

router = APIRouter(prefix=API, responses=refusals(401, 403))


@router.get("/tickets/{ticket_id}", responses=refusals(404))
def get_ticket(ticket_id: str, s: SessionDep,
               _user: User = require_roles("GET", "/tickets/{ticket_id}")) -> dict[str, Any]:
    record = s.get(TicketRecord, ticket_id)
    if record is None or record.deleted:
        raise refuse(NO_TICKET, ticket_id)
    return {"version": record.version, "ticket": json.loads(record.data)}


@router.delete("/tickets/{ticket_id}", status_code=204, responses=refusals(404))
def delete_ticket(ticket_id: str, s: SessionDep,
                  user: User = require_roles("DELETE", "/tickets/{ticket_id}")) -> None:
    lock_versions(s)  # before the ticket's lock, as every ticket writer
    record = s.scalar(select(TicketRecord).where(TicketRecord.id == ticket_id)
                      .with_for_update())
    if record is None or record.deleted:
        raise refuse(NO_TICKET, ticket_id)
    record.deleted = True
    record.data = "{}"  # the tombstone keeps no citizen's data
    record.version = next_version(s)
    record.updated_at = datetime.now(UTC)
    audit.record(s, actor=user.username, client_id=None, action="ticket.delete",
                 ticket_id=ticket_id, detail={"version": record.version})
    s.commit()


def compact_tombstones(session: Session, older_than: timedelta) -> tuple[int, int]:
    """Remove tombstones older than `older_than`; returns (removed, the new pull floor).
    A client whose cursor is below the floor may have missed a deletion, so it resyncs."""
    cutoff = datetime.now(UTC) - older_than
    old = (TicketRecord.deleted.is_(True), TicketRecord.updated_at < cutoff)
    newest = session.scalar(select(func.max(TicketRecord.version)).where(*old))
    if newest is None:
        return 0, pull_floor(session)
    removed = session.execute(delete(TicketRecord).where(*old,
                                                         TicketRecord.version <= newest))
    floor = max(newest, pull_floor(session))
    row = session.get(ServerMeta, PULL_FLOOR_KEY)
    if row is None:
        session.add(ServerMeta(key=PULL_FLOOR_KEY, value=str(floor)))
    else:
        row.value = str(floor)
    session.commit()
    return int(cast(CursorResult[Any], removed).rowcount or 0), floor  # a DELETE's result
