"""Reading the local cache for the queue and the ticket detail.

With 100k cached tickets, reading every row costs about half a second, almost all of it
Python making objects. So the queue reads the cache once, a page at a time (other DB work
runs between pages), and afterwards only what changed: rows whose `updated_at` moved, and rows
that were not synced (their sync state changes when the server acknowledges them). Rows are
made by SQL as far as possible; only confidential callers are masked in Python, by
core/masking.py, so the one masking rule is the one every list uses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from agent_app.core.actions import ExtensionDecision
from agent_app.core.calendar import CHINA_TZ
from agent_app.core.lifecycle import EventKind
from agent_app.core.masking import mask_name, mask_phone
from agent_app.core.models import Ticket
from agent_app.core.queue import (
    DRAFT_STATE,
    DUE_SOON_HOURS,
    QueueContext,
    QueueRow,
    search_text,
)
from agent_app.storage.database import Database
from agent_app.storage.schema import DraftRow, OutboxRow, OutboxState, SyncState, utc_text

PAGE_ROWS = 20_000
EVENT_PAGE = 100_000  # timeline rows scanned per page on the first read

# The caller of a confidential ticket is left empty here and masked in Python.
_COLUMNS = """
rowid, id, created_at,
CASE WHEN confidential THEN '' ELSE trim(caller_name || ' ' || caller_phone) END,
appeal_type, coalesce(category_l1 || '/' || category_l2, ''), coalesce(unit, ''), status,
coalesce(deadline, ''), redo_count, coalesce(supervision_level, ''), sync_state,
lower(id || ' ' || CASE WHEN confidential THEN '' ELSE caller_name || ' ' || caller_phone END
      || ' ' || coalesce(category_l1 || '/' || category_l2, '') || ' ' || coalesce(unit, '')
      || ' ' || address || ' ' || substr(content, 1, 60)),
confidential, updated_at
"""
_PAGE_SQL = f"SELECT {_COLUMNS} FROM tickets WHERE rowid > ? ORDER BY rowid LIMIT ?"
_CHANGED_SQL = f"SELECT {_COLUMNS} FROM tickets WHERE updated_at > ? OR sync_state != 'synced'"
_CALLER_SQL = "SELECT caller_name, caller_phone FROM tickets WHERE id = ?"
_EVENTS_PAGE_SQL = f"""
SELECT ticket_id, kind, actor, at, data FROM ticket_events
WHERE rowid > ? AND rowid <= ? AND (actor = ? OR kind = '{EventKind.EXTENSION}')
"""
_EVENTS_OF_SQL = f"""
SELECT ticket_id, kind, actor, at, data FROM ticket_events
WHERE ticket_id IN ({{marks}}) AND (actor = ? OR kind = '{EventKind.EXTENSION}')
"""


def caller_shown(name: str, phone: str, confidential: bool) -> str:
    """The caller as every list shows it: confidential callers masked (保密)."""
    if confidential:
        name, phone = mask_name(name), mask_phone(phone) if phone else ""
    return " ".join(part for part in (name, phone) if part)


@dataclass(frozen=True)
class QueueSnapshot:
    rows: list[QueueRow]  # tickets, then saved intake drafts
    context: QueueContext
    complete: bool  # False while the first read is still going through the pages
    loaded: int
    total: int


class QueueLoader:
    """Keeps the queue rows of one signed-in user current. Used from the DB worker only:
    each `step` reads one page (first read) or what changed since the last step, and returns
    a snapshot the GUI may keep, as nothing in it changes afterwards."""

    def __init__(self, me: str) -> None:
        self._me = me
        self._reset()

    def _reset(self) -> None:
        self._rows: list[QueueRow] = []
        self._index: dict[str, int] = {}
        self._after_rowid = 0
        self._events_after = 0
        self._tickets_read = False
        self._complete = False
        self._mark = ""  # the newest updated_at read
        self._unsynced: set[str] = set()
        self._mine: set[str] = set()
        self._extensions: dict[str, tuple[str, bool]] = {}  # ticket → (at, pending)

    def step(self, db: Database, now: datetime) -> QueueSnapshot:
        with db.unit_of_work() as uow:
            connection = uow.session.connection()
            total = int(connection.exec_driver_sql("SELECT count(*) FROM tickets").scalar_one())
            if self._complete:
                self._read_changes(connection)
                if len(self._rows) != total:
                    # Tickets left the cache (deleted on the server, or a full resync): start
                    # over, which is rare enough not to deserve bookkeeping of its own.
                    self._reset()
            if not self._tickets_read:
                self._read_page(connection)
            elif not self._complete:
                self._read_events_page(connection)
            drafts = _draft_rows(uow.session.scalars(select(DraftRow)).all())
        pending = {ticket for ticket, (_at, waiting) in self._extensions.items() if waiting}
        today = now.astimezone(CHINA_TZ).date()
        today_end = datetime.combine(today, time.max, CHINA_TZ)
        today_start = datetime.combine(today, time.min, CHINA_TZ)
        context = QueueContext(now=utc_text(now), today_end=utc_text(today_end),
                               mine=frozenset(self._mine), pending_extensions=frozenset(pending),
                               today_start=utc_text(today_start),
                               soon_end=utc_text(now + timedelta(hours=DUE_SOON_HOURS)))
        return QueueSnapshot([*self._rows, *drafts], context, self._complete, len(self._rows),
                             total)

    def _read_page(self, connection: Connection) -> None:
        records = connection.exec_driver_sql(_PAGE_SQL, (self._after_rowid, PAGE_ROWS)).all()
        for record in records:
            self._store(connection, record)
        if records:
            self._after_rowid = records[-1][0]
        if len(records) < PAGE_ROWS:
            self._tickets_read = True

    def _read_events_page(self, connection: Connection) -> None:
        last = int(connection.exec_driver_sql(
            "SELECT coalesce(max(rowid), 0) FROM ticket_events").scalar_one())
        upper = self._events_after + EVENT_PAGE
        self._note_events(connection.exec_driver_sql(
            _EVENTS_PAGE_SQL, (self._events_after, upper, self._me)))
        self._events_after = upper
        if upper >= last:
            self._complete = True

    def _read_changes(self, connection: Connection) -> None:
        records = connection.exec_driver_sql(_CHANGED_SQL, (self._mark,)).all()
        seen = set()
        for record in records:
            seen.add(record[1])
            self._store(connection, record)
        # Rows that were unsent and did not come back have been acknowledged since.
        for ticket_id in self._unsynced - seen:
            position = self._index.get(ticket_id)
            if position is not None:
                self._rows[position] = self._rows[position]._replace(
                    sync_state=SyncState.SYNCED.value)
        self._unsynced = {r[1] for r in records if r[11] != SyncState.SYNCED.value}
        changed = sorted(seen)
        for start in range(0, len(changed), 500):
            part = changed[start:start + 500]
            sql = _EVENTS_OF_SQL.format(marks=", ".join("?" * len(part)))
            self._note_events(connection.exec_driver_sql(sql, (*part, self._me)))

    def _store(self, connection: Connection, record: Any) -> None:
        (_rowid, ticket_id, created_at, caller, appeal_type, category, unit, status, deadline,
         redo_count, supervision, sync_state, search, confidential, updated_at) = record
        if confidential:
            name, phone = connection.exec_driver_sql(_CALLER_SQL, (ticket_id,)).one()
            caller = caller_shown(name or "", phone or "", True)
            search = f"{search} {caller.lower()}"
        row = QueueRow(ticket_id, created_at, caller, appeal_type, category, unit, status,
                       deadline, redo_count or 0, supervision, sync_state, search)
        position = self._index.get(ticket_id)
        if position is None:
            self._index[ticket_id] = len(self._rows)
            self._rows.append(row)
        else:
            self._rows[position] = row
        if sync_state != SyncState.SYNCED.value:
            self._unsynced.add(ticket_id)
        self._mark = max(self._mark, updated_at)

    def _note_events(self, events: Iterable[Any]) -> None:
        for ticket_id, kind, actor, at, data in events:
            if actor == self._me:
                self._mine.add(ticket_id)
            if kind == EventKind.EXTENSION:
                known = self._extensions.get(ticket_id)
                if known is None or at >= known[0]:
                    pending = json.loads(data).get("decision") == ExtensionDecision.PENDING
                    self._extensions[ticket_id] = (at, pending)


def _draft_rows(drafts: Iterable[DraftRow]) -> list[QueueRow]:
    """Saved intake forms, for the Drafts view: who called and about what, so far."""
    rows = []
    for draft in drafts:
        try:
            form = json.loads(draft.payload)
        except ValueError:
            continue
        category = "/".join(form.get("category") or ())
        caller = caller_shown(str(form.get("caller_name", "")),
                              str(form.get("caller_phone", "")), bool(form.get("confidential")))
        rows.append(QueueRow(draft.id, utc_text(draft.updated_at), caller,
                             str(form.get("appeal_type", "")), category,
                             str(form.get("unit", "")), DRAFT_STATE, "", 0, "", DRAFT_STATE,
                             search_text(caller, category, str(form.get("content", "")))))
    return rows


@dataclass(frozen=True)
class TicketDetail:
    ticket: Ticket
    sync_state: SyncState
    refusals: list[str]  # the server's reasons for this ticket's refused changes


def load_ticket_detail(db: Database, ticket_id: str) -> TicketDetail | None:
    with db.unit_of_work() as uow:
        ticket = uow.tickets.get(ticket_id)
        state = uow.tickets.sync_state(ticket_id)
        if ticket is None or state is None:
            return None
        refusals = list(uow.session.scalars(
            select(OutboxRow.reject_reason).where(OutboxRow.entity_id == ticket_id,
                                                  OutboxRow.state == OutboxState.REJECTED.value)
            .order_by(OutboxRow.mutation_id)))
    return TicketDetail(ticket, state, [reason or "" for reason in refusals])
