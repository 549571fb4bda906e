"""Record what the units of work of one cache wrote, so every operation returns its changes.

Session events watch the writes (ORM objects flushed and statements executed); what a
session committed is added to each recording open on the committing thread. Nothing is
watched while no recording is open, so scripts and tests pay nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, ClauseElement

from agent_app.core.changes import NO_CHANGES, OpChanges, Topic
from agent_app.storage.schema import MetaRow

# Which table's writes touch which topic (tables not named change nothing a screen shows,
# e.g. the KB usage pairs, which only reorder later searches).
TABLE_TOPICS: dict[str, Topic] = {
    "tickets": Topic.TICKETS,
    "ticket_events": Topic.TICKETS,
    "outbox": Topic.OUTBOX,
    "drafts": Topic.DRAFTS,
    "kb_articles": Topic.KB,
    "conflicts": Topic.SYNC,
    "pull_quarantine": Topic.SYNC,
}
# Meta keys by prefix; modules that own keys register them here (the sync engine, reference).
META_TOPICS: dict[str, Topic] = {}
# The columns that hold a ticket's id, by table ("id" in ticket_events is an event's id).
_TICKET_ID_COLUMN = {"tickets": "id", "ticket_events": "ticket_id"}


def register_meta_keys(topic: Topic, *prefixes: str) -> None:
    for prefix in prefixes:
        META_TOPICS[prefix] = topic


class _Pending:
    """What one session wrote in its open transaction."""

    def __init__(self) -> None:
        self.topics: set[Topic] = set()
        self.ticket_ids: set[str] | None = set()

    def ticket(self, ticket_id: Any) -> None:
        self.topics.add(Topic.TICKETS)
        if self.ticket_ids is not None and isinstance(ticket_id, str):
            self.ticket_ids.add(ticket_id)

    def any_ticket(self) -> None:
        self.topics.add(Topic.TICKETS)
        self.ticket_ids = None

    def changes(self) -> OpChanges:
        if not self.topics:
            return OpChanges()
        ids = None if self.ticket_ids is None else frozenset(self.ticket_ids)
        return OpChanges(frozenset(self.topics), ids if Topic.TICKETS in self.topics
                         else frozenset())


class Recording:
    """The changes committed on one thread while it is open."""

    def __init__(self) -> None:
        self.changes = OpChanges()

    def add(self, changes: OpChanges) -> None:
        self.changes = self.changes | changes


T = TypeVar("T")


@dataclass(frozen=True)
class Changed(Generic[T]):
    """An operation's result and what its units of work committed (Database.run_op)."""

    value: T
    changes: OpChanges


_COMMITTED_BEFORE = "op_changes_committed_before"


def committed_before(failure: BaseException) -> OpChanges:
    """What an operation run by `run_op` committed before it raised `failure` (a sync's first
    pages did change): none for an exception that did not come out of run_op."""
    changes = getattr(failure, _COMMITTED_BEFORE, NO_CHANGES)
    return changes if isinstance(changes, OpChanges) else NO_CHANGES


class ChangeRecorder:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._local = threading.local()
        event.listen(sessions, "after_flush", self._after_flush)
        event.listen(sessions, "do_orm_execute", self._on_execute)
        event.listen(sessions, "after_commit", self._after_commit)
        event.listen(sessions, "after_rollback", self._after_rollback)
        event.listen(sessions, "after_begin", self._after_begin)

    @contextmanager
    def recording(self) -> Iterator[Recording]:
        stack: list[Recording] = self._stack()
        recording = Recording()
        stack.append(recording)
        try:
            yield recording
        finally:
            stack.remove(recording)

    def run(self, op: Callable[..., T], *args: Any, **kwargs: Any) -> Changed[T]:
        """`op(*args, **kwargs)` with what it committed on this thread, plus what it says it
        changed itself (a result with OpChanges `changes`, as a sync's report). When it
        raises, the exception goes on as it was, carrying what was committed before
        (`committed_before`)."""
        with self.recording() as recording:
            try:
                value = op(*args, **kwargs)
            except BaseException as failure:
                with suppress(AttributeError):  # an exception type without a __dict__
                    setattr(failure, _COMMITTED_BEFORE, recording.changes)
                raise
        said = getattr(value, "changes", None)
        changes = recording.changes | said if isinstance(said, OpChanges) else recording.changes
        return Changed(value, changes)

    def _stack(self) -> list[Recording]:
        stack: list[Recording] | None = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    def _pending(self, session: Session) -> _Pending | None:
        if not self._stack():
            return None
        pending = session.info.get("op_changes")
        if pending is None:
            pending = session.info["op_changes"] = _Pending()
        assert isinstance(pending, _Pending)
        return pending

    def _after_flush(self, session: Session, _flush: UOWTransaction) -> None:
        pending = self._pending(session)
        if pending is None:
            return
        for obj in (*session.new, *session.deleted):
            _note_object(pending, obj)
        for obj in session.dirty:
            # A meta value set to what it was (the same reference document) is no change; for
            # other rows saying too much is harmless and the check costs on every pulled row.
            if not isinstance(obj, MetaRow) or session.is_modified(obj,
                                                                   include_collections=False):
                _note_object(pending, obj)

    def _on_execute(self, state: ORMExecuteState) -> None:
        if not (state.is_insert or state.is_update or state.is_delete):
            return
        pending = self._pending(state.session)
        if pending is None:
            return
        table = getattr(getattr(state.statement, "table", None), "name", None)
        topic = TABLE_TOPICS.get(str(table))
        if topic is None:
            return
        if topic is not Topic.TICKETS:
            pending.topics.add(topic)
            return
        column = _TICKET_ID_COLUMN[str(table)]
        given = state.parameters
        rows: list[Any] = ([given] if isinstance(given, dict)
                           else list(given) if isinstance(given, list) else [])
        if rows and all(isinstance(row, dict) and column in row for row in rows):
            for row in rows:  # executemany: each row names its ticket
                pending.ticket(row[column])
            return
        ids = _ids_in_where(getattr(state.statement, "whereclause", None), column)
        if ids is None:
            pending.any_ticket()
        else:
            for ticket_id in ids:
                pending.ticket(ticket_id)

    def _after_commit(self, session: Session) -> None:
        pending: _Pending | None = session.info.pop("op_changes", None)
        if pending is None:
            return
        changes = pending.changes()
        if changes:
            for recording in self._stack():
                recording.add(changes)

    @staticmethod
    def _after_rollback(session: Session) -> None:
        session.info.pop("op_changes", None)

    def _after_begin(self, session: Session, _transaction: object, _connection: object) -> None:
        session.info["change_recorder"] = self

    def note_tickets(self, session: Session, ticket_ids: Iterable[str]) -> None:
        pending = self._pending(session)
        if pending is not None:
            for ticket_id in ticket_ids:
                pending.ticket(ticket_id)


def note_tickets_written(session: Session, ticket_ids: Iterable[str]) -> None:
    """Tickets written past the ORM (a pulled page inserted through the driver): recorded
    like any other write of the session's transaction."""
    recorder = session.info.get("change_recorder")
    if isinstance(recorder, ChangeRecorder):
        recorder.note_tickets(session, ticket_ids)


def _note_object(pending: _Pending, obj: object) -> None:
    table = getattr(getattr(obj, "__table__", None), "name", None)
    if isinstance(obj, MetaRow):
        for prefix, topic in META_TOPICS.items():
            if obj.key.startswith(prefix):
                pending.topics.add(topic)
        return
    found = TABLE_TOPICS.get(str(table))
    if found is Topic.TICKETS:
        pending.ticket(getattr(obj, _TICKET_ID_COLUMN[str(table)], None))
    elif found is not None:
        pending.topics.add(found)


def _ids_in_where(clause: ClauseElement | None, column: str) -> list[Any] | None:
    """The ticket ids of `column == id` or `column IN (ids)`; None for any other condition
    (then any ticket may have changed)."""
    if not isinstance(clause, BinaryExpression):
        return None
    left, right = clause.left, clause.right
    if getattr(left, "key", None) != column or not isinstance(right, BindParameter):
        return None
    value = right.value
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]
