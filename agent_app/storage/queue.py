"""Reading the local cache for the queue and the ticket detail.

With 100k cached tickets, reading every row costs about half a second, almost all of it
Python making objects. So the queue reads the cache once, a page at a time (other DB work
runs between pages), into columns (core/queue.py's QueueColumns), and afterwards only what
changed: the tickets it is told about (`read_tickets`), or else rows whose `updated_at` moved
and rows that were not synced (their sync state changes when the server acknowledges them).
Confidential callers are masked by core/masking.py, so the one masking rule is the one every
list uses.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import select
from sqlalchemy.engine import Connection

from agent_app.core.actions import latest_extension
from agent_app.core.calendar import CHINA_TZ
from agent_app.core.lifecycle import EventKind
from agent_app.core.masking import mask_name, mask_phone
from agent_app.core.models import Ticket
from agent_app.core.queue import (
    DRAFT_STATE,
    DUE_SOON_HOURS,
    NO_TIME,
    QueueColumns,
    QueueContext,
    QueueRow,
    RowBatch,
    search_text,
    time_key,
)
from agent_app.storage.database import Database
from agent_app.storage.schema import DraftRow, OutboxRow, OutboxState, SyncState, utc_text


class Cursor(Protocol):
    """What the queue uses of a DB-API connection (sqlite3, or SQLCipher's)."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...

_SYNCED = SyncState.SYNCED.value
PAGE_ROWS = 20_000
EVENT_PAGE = 100_000  # timeline rows scanned per page on the first read
ID_BATCH = 500  # ticket ids per `IN (...)`: well below SQLite's limit on parameters

# Only the columns the queue shows or searches, read through the driver's own cursor: no
# SQLAlchemy row per ticket. SQLite does what is the same for every row in C: the two times
# as integer keys (the text itself when not in the stored form, for Python to read), and the
# caller and search texts put together. Python strips and lowers them, and masks the callers
# of confidential tickets (a few: their name, phone, address and content are read by rowid).
_CALLER = "coalesce(caller_name, '') || ' ' || coalesce(caller_phone, '')"
_CATEGORY = "coalesce(category_l1 || '/' || category_l2, '')"
_CONTENT = "coalesce(substr(content, 1, 60), '')"
_COLUMNS = f"""
rowid, id, {{created}}, confidential, CASE WHEN confidential THEN '' ELSE {_CALLER} END,
appeal_type, {_CATEGORY}, coalesce(unit, ''), status, {{deadline}}, coalesce(redo_count, 0),
coalesce(supervision_level, ''), sync_state,
CASE WHEN confidential THEN '' ELSE id || ' ' || {_CALLER} || ' ' || {_CATEGORY} || ' '
    || coalesce(unit, '') || ' ' || coalesce(address, '') || ' ' || {_CONTENT} END,
updated_at
"""
_SECRETS_SQL = f"""
SELECT rowid, coalesce(caller_name, ''), coalesce(caller_phone, ''), coalesce(address, ''),
{_CONTENT} FROM tickets WHERE rowid IN ({{marks}})
"""


def _time_key_sql(column: str, unixepoch: bool) -> str:
    """The time key (core/queue.py's time_key) of a time in the stored form (utc_text, the
    only writer), worked out by SQLite; a text of another length, or one SQLite cannot read
    as a time, comes as itself for time_key to read."""
    seconds = (f"unixepoch(substr({column}, 1, 19))" if unixepoch
               else f"CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER)")
    key = f"{seconds} * 1000000 + CAST(substr({column}, 21, 6) AS INTEGER)"
    return (f"CASE WHEN {column} IS NULL THEN {NO_TIME} WHEN length({column}) = 27 "
            f"THEN coalesce({key}, {column}) ELSE {column} END")


def _has_unixepoch(cursor: Cursor) -> bool:
    version = str(cursor.execute("SELECT sqlite_version()").fetchone()[0])
    return tuple(int(part) for part in version.split(".")[:2]) >= (3, 38)


@dataclass(frozen=True)
class _Statements:
    """The SQL of one connection: `unixepoch` (SQLite 3.38) where it has it, else strftime."""

    page: str
    changed: str
    by_ids: str  # format with marks

    @classmethod
    def of(cls, cursor: Cursor) -> _Statements:
        unixepoch = _has_unixepoch(cursor)
        columns = _COLUMNS.format(created=_time_key_sql("created_at", unixepoch),
                                  deadline=_time_key_sql("deadline", unixepoch))
        return cls(f"SELECT {columns} FROM tickets WHERE rowid > ? ORDER BY rowid LIMIT ?",
                   f"SELECT {columns} FROM tickets WHERE updated_at > ?",
                   f"SELECT {columns} FROM tickets WHERE id IN ({{marks}})")


_UNSYNCED_SQL = "SELECT id, sync_state FROM tickets WHERE sync_state != 'synced'"
# Mine: any event of mine; an extension request: the latest one's decision (data only there).
# The first read: the tickets of my events, then every extension event (few).
_MINE_PAGE_SQL = """
SELECT ticket_id FROM ticket_events WHERE rowid > ? AND rowid <= ? AND actor = ?
"""
_EXTENSIONS_PAGE_SQL = f"""
SELECT ticket_id, kind, '', at, data FROM ticket_events
WHERE rowid > ? AND rowid <= ? AND kind = '{EventKind.EXTENSION}'
"""
_EVENTS_OF_SQL = f"""
SELECT ticket_id, kind, actor, at, CASE WHEN kind = '{EventKind.EXTENSION}' THEN data END
FROM ticket_events WHERE ticket_id IN ({{marks}}) AND (actor = ? OR kind = '{EventKind.EXTENSION}')
"""


def caller_shown(name: str, phone: str, confidential: bool) -> str:
    """The caller as every list shows it: confidential callers masked (保密)."""
    if confidential:
        name, phone = mask_name(name), mask_phone(phone) if phone else ""
    return " ".join(part for part in (name, phone) if part)


@dataclass(frozen=True)
class QueueSnapshot:
    columns: QueueColumns  # tickets and saved intake drafts; the loader's, growing
    context: QueueContext
    complete: bool  # False while the first read is still going through the pages
    loaded: int
    total: int
    # The rows that changed since the previous snapshot (new rows are those beyond the
    # previous length); None: the columns are new (first read, or read again from the start).
    changed: frozenset[int] | None = None

    @property
    def rows(self) -> list[QueueRow]:
        return self.columns.live_rows()


class QueueLoader:
    """Keeps the queue rows of one signed-in user current. Used from the DB worker only:
    each `step` reads one page (first read) or what changed since the last step, and
    `read_tickets` the tickets it is told changed. The columns are written here only, rows
    appended or replaced in place, so the GUI may read them at any time; the snapshot says
    which rows changed, for the GUI to take in."""

    def __init__(self, me: str) -> None:
        self._me = me
        self._sql: _Statements | None = None  # made on the first read, for its SQLite
        self._reset()

    def _reset(self) -> None:
        self.columns = QueueColumns()
        self._after_rowid = 0
        self._events_after = 0
        self._tickets_read = False
        self._complete = False
        self._mark = ""  # the newest updated_at read
        self._unsynced: set[str] = set()
        self._mine: set[str] = set()
        self._extensions: dict[str, tuple[str, bool]] = {}  # ticket → (at, pending)
        self._drafts: set[str] = set()
        self._changed: set[int] = set()
        self._renewed = True  # the columns are new since the last snapshot

    def _statements(self, cursor: Cursor) -> _Statements:
        if self._sql is None:
            self._sql = _Statements.of(cursor)
        return self._sql

    def step(self, db: Database, now: datetime) -> QueueSnapshot:
        with db.unit_of_work() as uow:
            connection = uow.session.connection()
            cursor = _driver(connection)
            if self._complete:
                self._read_changes(cursor)
                if self._ticket_count() != _count(cursor):
                    # Tickets left the cache (deleted on the server, or a full resync) and
                    # nobody said which: start over, which is rare enough.
                    self._reset()
            if not self._tickets_read:
                self._read_page(cursor)
            elif not self._complete:
                self._read_events_page(cursor)
            self._read_drafts(uow.session.scalars(select(DraftRow)).all())
            total = _count(cursor)
        return self._snapshot(now, total)

    def read_tickets(self, db: Database, now: datetime, ticket_ids: Iterable[str]
                     ) -> QueueSnapshot:
        """The rows of exactly these tickets read again (replaced, added, or removed when
        they are no longer cached), with their events; the drafts too. Before the first
        read is complete there is nothing to keep current: it is a `step`."""
        if not self._complete:
            return self.step(db, now)
        wanted = sorted(set(ticket_ids))
        with db.unit_of_work() as uow:
            cursor = _driver(uow.session.connection())
            seen: set[str] = set()
            by_ids = self._statements(cursor).by_ids
            for part in _batches(wanted):
                sql = by_ids.format(marks=", ".join("?" * len(part)))
                records = cursor.execute(sql, part).fetchall()
                seen.update(record[1] for record in records)
                self._store(cursor, records)
            for ticket_id in wanted:
                if ticket_id not in seen:
                    self._forget(ticket_id)
            self._read_events_of(cursor, sorted(seen))
            self._read_drafts(uow.session.scalars(select(DraftRow)).all())
            total = _count(cursor)
        return self._snapshot(now, total)

    def _snapshot(self, now: datetime, total: int) -> QueueSnapshot:
        pending = {ticket for ticket, (_at, waiting) in self._extensions.items() if waiting}
        today = now.astimezone(CHINA_TZ).date()
        today_end = datetime.combine(today, time.max, CHINA_TZ)
        today_start = datetime.combine(today, time.min, CHINA_TZ)
        context = QueueContext(now=utc_text(now), today_end=utc_text(today_end),
                               mine=frozenset(self._mine), pending_extensions=frozenset(pending),
                               today_start=utc_text(today_start),
                               soon_end=utc_text(now + timedelta(hours=DUE_SOON_HOURS)))
        changed = None if self._renewed else frozenset(self._changed)
        self._changed, self._renewed = set(), False
        return QueueSnapshot(self.columns, context, self._complete, self._ticket_count(),
                             total, changed)

    def _ticket_count(self) -> int:
        return len(self.columns.position) - len(self._drafts)

    def _read_page(self, cursor: Cursor) -> None:
        read = 0
        # A thousand rows at a time from the cursor, not the page fetched as a list: 20k rows
        # at once are 20 MB that the process keeps as its resident size after they are freed.
        found = cursor.execute(self._statements(cursor).page, (self._after_rowid, PAGE_ROWS))
        while records := found.fetchmany(1000):
            read += len(records)
            self._after_rowid = records[-1][0]
            batch = self._batch(cursor, records)
            if self.columns.position.keys().isdisjoint(batch.ids):
                self.columns.extend_columns(batch)
            else:  # a row changed while paging (it moved to the end): replaced in place
                self._put(batch)
        if read < PAGE_ROWS:
            self._tickets_read = True

    def _read_events_page(self, cursor: Cursor) -> None:
        last = int(cursor.execute("SELECT coalesce(max(rowid), 0) FROM ticket_events")
                   .fetchone()[0])
        upper = self._events_after + EVENT_PAGE
        # Made unique here: a set of the ids costs less than SQLite's DISTINCT (a temporary
        # b-tree) for the same rows.
        mine = {ticket for (ticket,) in cursor.execute(
            _MINE_PAGE_SQL, (self._events_after, upper, self._me))}
        self._mine.update(self._held(list(mine - self._mine)))
        self._note_events(cursor.execute(_EXTENSIONS_PAGE_SQL, (self._events_after, upper)))
        self._events_after = upper
        if upper >= last:
            self._complete = True

    def _read_changes(self, cursor: Cursor) -> None:
        records = cursor.execute(self._statements(cursor).changed, (self._mark,)).fetchall()
        seen = {record[1] for record in records}
        self._store(cursor, records)
        columns, values = self.columns, self.columns.values
        unsynced = dict(cursor.execute(_UNSYNCED_SQL).fetchall())
        # Rows that were unsent and are no longer have been acknowledged since; the others
        # may have been refused (a conflict).
        for ticket_id in (self._unsynced - unsynced.keys()) | (unsynced.keys() - seen):
            position = columns.position.get(ticket_id)
            if position is None:
                continue
            state = unsynced.get(ticket_id, _SYNCED)
            if values[columns.sync_states[position]] != state:
                columns.set_sync_state(position, state)
                self._changed.add(position)
        self._unsynced = set(unsynced)
        self._read_events_of(cursor, sorted(seen))

    def _read_events_of(self, cursor: Cursor, ticket_ids: list[str]) -> None:
        for part in _batches(ticket_ids):
            for ticket_id in part:  # read again from the start: what is true now
                self._mine.discard(ticket_id)
                self._extensions.pop(ticket_id, None)
            sql = _EVENTS_OF_SQL.format(marks=", ".join("?" * len(part)))
            self._note_events(cursor.execute(sql, (*part, self._me)))

    def _batch(self, cursor: Cursor, records: Sequence[Sequence[Any]]) -> RowBatch:
        """Rows of _COLUMNS as the columns take them, column by column; notes their sync
        states and the newest time."""
        (rowids, ids, created, confidential, callers, appeal_types, categories, units,
         statuses, deadlines, redo_counts, levels, sync_states, search,
         updated) = zip(*records, strict=True)
        shown, findable = list(map(str.strip, callers)), list(map(str.lower, search))
        secret = [n for n, flag in enumerate(confidential) if flag]
        details: dict[int, tuple[str, str, str, str]] = {}
        for part in _batches([rowids[n] for n in secret]):
            sql = _SECRETS_SQL.format(marks=", ".join("?" * len(part)))
            details.update((rowid, rest) for rowid, *rest in cursor.execute(sql, part))
        for n in secret:
            # A row changed since (read again later) has nothing here: shown masked empty.
            name, phone, address, content = details.get(rowids[n], ("", "", "", ""))
            # The masked caller only: never found by the real number.
            shown[n] = caller = caller_shown(name, phone, True)
            findable[n] = (f"{ids[n]} {caller} {categories[n]} {units[n]} {address} "
                           f"{content}").lower()
        unsynced = self._unsynced
        unsynced.difference_update(ids)
        unsynced.update(ticket_id for ticket_id, state in zip(ids, sync_states, strict=True)
                        if state != _SYNCED)
        self._mark = max(self._mark, *updated)
        return RowBatch(ids, _time_keys(created), shown, appeal_types, categories, units,
                        statuses, _time_keys(deadlines), redo_counts, levels, sync_states,
                        findable)

    def _store(self, cursor: Cursor, records: Sequence[Sequence[Any]]) -> None:
        if records:
            self._put(self._batch(cursor, records))

    def _put(self, batch: RowBatch) -> None:
        put, changed = self.columns.put, self._changed
        for values in zip(*batch, strict=True):
            changed.add(put(values))

    def _forget(self, ticket_id: str) -> None:
        position = self.columns.remove(ticket_id)
        if position is not None:
            self._changed.add(position)
        self._unsynced.discard(ticket_id)
        self._mine.discard(ticket_id)
        self._extensions.pop(ticket_id, None)

    def _note_events(self, events: Iterable[Any]) -> None:
        position = self.columns.position
        ids = self.columns.ids
        for ticket_id, kind, actor, at, data in events:
            if actor == self._me:
                known = position.get(ticket_id)
                # The id the columns hold: 100k copies of the same texts add up.
                self._mine.add(ids[known] if known is not None else ticket_id)
            if kind == EventKind.EXTENSION:
                self._extensions[ticket_id] = latest_extension(
                    self._extensions.get(ticket_id), at, json.loads(data))

    def _held(self, ticket_ids: list[str]) -> list[str]:
        """The ids as the columns hold them (100k copies of the same texts add up); a ticket
        the columns do not have yet keeps its own."""
        position, ids = self.columns.position, self.columns.ids
        try:
            return list(map(ids.__getitem__, map(position.__getitem__, ticket_ids)))
        except KeyError:
            return [ids[position[ticket]] if ticket in position else ticket
                    for ticket in ticket_ids]

    def _read_drafts(self, drafts: Iterable[DraftRow]) -> None:
        """Saved intake forms, for the Drafts view: who called and about what, so far."""
        present = set()
        for row in _draft_rows(drafts):
            present.add(row.id)
            values = (row.id, time_key(row.created_at), row.caller, row.appeal_type,
                      row.category, row.unit, row.status, NO_TIME, 0, "", row.sync_state,
                      row.search)
            position = self.columns.position.get(row.id)
            if position is None or self.columns[position] != row:
                self._changed.add(self.columns.put(values))
        for draft_id in self._drafts - present:
            position = self.columns.remove(draft_id)
            if position is not None:
                self._changed.add(position)
        self._drafts = present


def _time_keys(values: Sequence[int | str]) -> array[int]:
    """The time keys SQLite worked out; the times it left as text read here."""
    try:
        return array("q", cast(Sequence[int], values))
    except TypeError:
        return array("q", [value if isinstance(value, int) else time_key(value)
                           for value in values])


def _driver(connection: Connection) -> Cursor:
    """The driver's own connection, for reading rows without SQLAlchemy's row objects."""
    driver = connection.connection.driver_connection
    assert driver is not None
    return cast(Cursor, driver)


def _count(cursor: Cursor) -> int:
    return int(cursor.execute("SELECT count(*) FROM tickets").fetchone()[0])


def _batches(ids: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(ids), ID_BATCH):
        yield ids[start:start + ID_BATCH]


def _draft_rows(drafts: Iterable[DraftRow]) -> list[QueueRow]:
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
