"""Repositories: the only code that maps domain objects to rows. They never commit."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import Session

from agent_app.core.enums import (
    AppealType,
    Channel,
    Gender,
    SupervisionLevel,
    TicketStatus,
    Urgency,
)
from agent_app.core.interchange import ticket_to_dict
from agent_app.core.lifecycle import DEADLINE_RUNNING_STATES
from agent_app.core.masking import remember_confidential_name
from agent_app.core.models import (
    Caller,
    CategoryPath,
    LocationPath,
    Ticket,
    TicketEvent,
)
from agent_app.storage.changes import note_tickets_written
from agent_app.storage.schema import (
    ConflictRow,
    DraftRow,
    KbArticleRow,
    MetaRow,
    OutboxRow,
    OutboxState,
    QuarantinedRow,
    SyncState,
    TicketEventRow,
    TicketRow,
    utc_text,
)


def _now() -> datetime:
    return datetime.now(UTC)


class TicketRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, ticket: Ticket, *, sync_state: SyncState,
            server_version: int | None = None) -> None:
        row = TicketRow(id=ticket.id, sync_state=sync_state.value, updated_at=_now(),
                        server_version=server_version,
                        events=[_event_row(ticket.id, e) for e in ticket.events])
        _copy_to_row(ticket, row)
        self._session.add(row)

    def get(self, ticket_id: str) -> Ticket | None:
        row = self._session.get(TicketRow, ticket_id)
        if row is None:
            return None
        events = self._session.scalars(
            select(TicketEventRow)
            .where(TicketEventRow.ticket_id == ticket_id)
            .order_by(TicketEventRow.at, TicketEventRow.id)
        )
        return _from_row(row, [_event_from_row(e) for e in events])

    def insert_many_from_server(self, tickets: list[tuple[Ticket, int]],
                                event_data: Sequence[list[str] | None] | None = None) -> None:
        """Tickets new to this cache, in two executemany statements of plain tuples: a pulled
        page of hundreds would otherwise spend most of its time in ORM bulk bookkeeping and
        per-value type processing (times are turned into their stored text here).
        `event_data`, one entry per ticket: its events' data as JSON text already (what
        `wire.checked_event_data` made while checking it), or None to encode it here."""
        if not tickets:
            return
        updated_at, synced = utc_text(_now()), SyncState.SYNCED.value
        first = tickets[0][0]
        columns = ("id", *_stored_row_values(first), "updated_at", "sync_state",
                   "server_version")
        rows = [(ticket.id, *_stored_row_values(ticket).values(), updated_at, synced, version)
                for ticket, version in tickets]
        connection = self._session.connection()
        connection.exec_driver_sql(_insert_sql(TicketRow.__tablename__, columns), rows)
        note_tickets_written(self._session, (ticket.id for ticket, _ in tickets))
        texts = event_data if event_data is not None else [None] * len(tickets)
        events = [(e.id, ticket.id, utc_text(e.at), e.kind, e.actor,
                   json.dumps(e.data, ensure_ascii=False) if encoded is None else encoded[n])
                  for (ticket, _), encoded in zip(tickets, texts, strict=True)
                  for n, e in enumerate(ticket.events)]
        if events:
            connection.exec_driver_sql(_insert_sql(TicketEventRow.__tablename__, (
                "id", "ticket_id", "at", "kind", "actor", "data")), events)

    def store_from_server(self, ticket: Ticket, version: int) -> None:
        """The server is the record: its fields, and its copy of every event it has (it
        derives them, with the signed-in user as actor); local events it does not have yet
        are kept (insert-only)."""
        if self._session.get(TicketRow, ticket.id) is None:
            self.add(ticket, sync_state=SyncState.SYNCED, server_version=version)
            return
        known = self.update(ticket, sync_state=SyncState.SYNCED, server_version=version)
        recorded = [_event_values(ticket.id, e) for e in ticket.events if e.id in known]
        if recorded:
            self._session.execute(update(TicketEventRow), recorded)

    def update(self, ticket: Ticket, *, sync_state: SyncState,
               server_version: int | None = None) -> set[str]:
        """An existing ticket's fields replaced, and those of its events not stored yet added
        (events are insert-only). Returns the ids of the events it already had."""
        row = self._session.get(TicketRow, ticket.id)
        if row is None:
            raise LookupError(f"no ticket {ticket.id} in the local cache")
        _copy_to_row(ticket, row)
        known = set(self._session.scalars(
            select(TicketEventRow.id).where(TicketEventRow.ticket_id == ticket.id)))
        self._session.add_all(_event_row(ticket.id, e) for e in ticket.events
                              if e.id not in known)
        row.sync_state = sync_state.value
        row.updated_at = _now()
        if server_version is not None:
            row.server_version = server_version
        return known

    def server_version(self, ticket_id: str) -> int | None:
        return self._session.scalar(select(TicketRow.server_version)
                                    .where(TicketRow.id == ticket_id))

    def event_ids(self, ticket_ids: list[str]) -> dict[str, set[str]]:
        """The ids of the events each of these tickets has here, in one query."""
        found: dict[str, set[str]] = {ticket_id: set() for ticket_id in ticket_ids}
        rows = self._session.execute(select(TicketEventRow.ticket_id, TicketEventRow.id)
                                     .where(TicketEventRow.ticket_id.in_(ticket_ids)))
        for ticket_id, event_id in rows:
            found[ticket_id].add(event_id)
        return found

    def forget_server_versions(self) -> int:
        """After the server was restored: no ticket counts as held by it until it sends the
        ticket again (see `unconfirmed_ids`)."""
        result = self._session.execute(update(TicketRow).values(server_version=None))
        return cast(CursorResult[Any], result).rowcount  # an UPDATE's result has a row count

    def unconfirmed_ids(self) -> list[str]:
        """Tickets no server version is known for: new ones not yet pushed, and after a
        restore, those the restored server has not sent back."""
        return list(self._session.scalars(
            select(TicketRow.id).where(TicketRow.server_version.is_(None))
            .order_by(TicketRow.id)))

    def delete_events(self, event_ids: list[str]) -> None:
        """Only for events the server refused, or that a restored server no longer has."""
        self._session.execute(delete(TicketEventRow).where(TicketEventRow.id.in_(event_ids)))

    def add_event(self, ticket_id: str, event: TicketEvent) -> None:
        """Insert-only, like the server's timeline; the ticket waits to be sent again."""
        self._session.add(_event_row(ticket_id, event))
        self.set_sync_state(ticket_id, SyncState.UNSENT)

    def sync_states(self, ticket_ids: list[str]) -> dict[str, SyncState]:
        rows = self._session.execute(
            select(TicketRow.id, TicketRow.sync_state).where(TicketRow.id.in_(ticket_ids)))
        return {ticket_id: SyncState(state) for ticket_id, state in rows}

    def delete(self, ticket_id: str) -> None:
        self._session.execute(delete(TicketEventRow).where(TicketEventRow.ticket_id == ticket_id))
        self._session.execute(delete(TicketRow).where(TicketRow.id == ticket_id))

    def delete_synced(self) -> int:
        """For a full resync: drop what the server will send again, keep unsent local work."""
        ids = list(self._session.scalars(
            select(TicketRow.id).where(TicketRow.sync_state == SyncState.SYNCED.value)))
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            self._session.execute(delete(TicketEventRow).where(TicketEventRow.ticket_id.in_(part)))
            self._session.execute(delete(TicketRow).where(TicketRow.id.in_(part)))
        return len(ids)

    def set_sync_state(self, ticket_id: str, state: SyncState, version: int | None = None
                       ) -> None:
        row = self._session.get(TicketRow, ticket_id)
        if row is not None:
            row.sync_state = state.value
            if version is not None:
                row.server_version = version

    def sync_state(self, ticket_id: str) -> SyncState | None:
        value = self._session.scalar(select(TicketRow.sync_state).where(TicketRow.id == ticket_id))
        return SyncState(value) if value else None

    def count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(TicketRow)) or 0

    def count_by_status(self) -> dict[TicketStatus, int]:
        rows = self._session.execute(
            select(TicketRow.status, func.count()).group_by(TicketRow.status)
        )
        return {TicketStatus(status): count for status, count in rows}

    def count_overdue(self, now: datetime) -> int:
        running = [state.value for state in DEADLINE_RUNNING_STATES]
        stmt = select(func.count()).select_from(TicketRow).where(
            TicketRow.status.in_(running), TicketRow.deadline < now)
        return self._session.scalar(stmt) or 0


class OutboxRepository:
    """Mutations for the central API, written in the same transaction as the rows they describe."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, op: str, entity_id: str, args: Mapping[str, Any],
            base_version: int | None = None) -> OutboxRow:
        row = OutboxRow(
            op=op,
            entity_id=entity_id,
            args=json.dumps(args, ensure_ascii=False, sort_keys=True),
            base_version=base_version,
            created_at=_now(),
            state=OutboxState.PENDING.value,
        )
        self._session.add(row)
        return row

    def pending_count(self) -> int:
        stmt = select(func.count()).select_from(OutboxRow).where(
            OutboxRow.state == OutboxState.PENDING.value)
        return self._session.scalar(stmt) or 0

    def pending(self, limit: int) -> list[OutboxRow]:
        return list(self._session.scalars(
            select(OutboxRow).where(OutboxRow.state == OutboxState.PENDING.value)
            .order_by(OutboxRow.mutation_id).limit(limit)))

    def pending_entities(self, entity_ids: list[str], *,
                         ops: Iterable[str] | None = None) -> set[str]:
        """Which of these entities still have mutations (of these operations) waiting."""
        stmt = select(OutboxRow.entity_id).where(OutboxRow.entity_id.in_(entity_ids),
                                                 OutboxRow.state == OutboxState.PENDING.value)
        if ops is not None:
            stmt = stmt.where(OutboxRow.op.in_(list(ops)))
        return set(self._session.scalars(stmt))

    def pending_args(self, entity_id: str, op: str) -> list[dict[str, Any]]:
        """The arguments of this entity's waiting mutations of one kind, oldest first."""
        return [json.loads(args) for args in self._session.scalars(
            select(OutboxRow.args).where(OutboxRow.entity_id == entity_id, OutboxRow.op == op,
                                         OutboxRow.state == OutboxState.PENDING.value)
            .order_by(OutboxRow.mutation_id))]

    def get(self, mutation_id: int) -> OutboxRow | None:
        return self._session.get(OutboxRow, mutation_id)

    def entities_of(self, mutation_ids: list[int]) -> dict[int, str]:
        rows = self._session.execute(select(OutboxRow.mutation_id, OutboxRow.entity_id)
                                     .where(OutboxRow.mutation_id.in_(mutation_ids)))
        return {mutation_id: entity_id for mutation_id, entity_id in rows}

    def acknowledge(self, mutation_ids: list[int]) -> None:
        """The server holds them: the mutations leave the outbox."""
        self._session.execute(delete(OutboxRow).where(OutboxRow.mutation_id.in_(mutation_ids)))

    def reject(self, mutation_id: int, reason: str) -> None:
        """Kept, with the server's reason, for the user to see; never sent again."""
        row = self._session.get(OutboxRow, mutation_id)
        if row is not None:
            row.state, row.reject_reason = OutboxState.REJECTED.value, reason

    def rejected_count(self) -> int:
        stmt = select(func.count()).select_from(OutboxRow).where(
            OutboxRow.state == OutboxState.REJECTED.value)
        return self._session.scalar(stmt) or 0


class ConflictRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, ticket_id: str, local: Mapping[str, Any], server: Mapping[str, Any]) -> None:
        self._session.add(ConflictRow(
            ticket_id=ticket_id, detected_at=_now(), resolved=False,
            local=json.dumps(local, ensure_ascii=False), server=json.dumps(server,
                                                                           ensure_ascii=False)))

    def open_count(self) -> int:
        stmt = select(func.count()).select_from(ConflictRow).where(ConflictRow.resolved.is_(False))
        return self._session.scalar(stmt) or 0

    def quarantined_count(self) -> int:
        """Pulled tickets set aside, not yet marked as seen."""
        stmt = (select(func.count()).select_from(QuarantinedRow)
                .where(QuarantinedRow.resolved.is_(False)))
        return self._session.scalar(stmt) or 0


class DraftRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def save(self, draft_id: str, kind: str, payload: Mapping[str, Any]) -> None:
        row = self._session.get(DraftRow, draft_id)
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        if row is None:
            self._session.add(DraftRow(id=draft_id, kind=kind, payload=text, updated_at=_now()))
        else:
            row.payload, row.updated_at = text, _now()

    def latest(self, kind: str) -> tuple[str, dict[str, Any]] | None:
        row = self._session.scalars(
            select(DraftRow).where(DraftRow.kind == kind).order_by(DraftRow.updated_at.desc())
        ).first()
        return (row.id, json.loads(row.payload)) if row else None

    def discard(self, draft_id: str) -> None:
        self._session.execute(delete(DraftRow).where(DraftRow.id == draft_id))

    def count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(DraftRow)) or 0


class MetaRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, key: str) -> str | None:
        row = self._session.get(MetaRow, key)
        return row.value if row else None

    def set(self, key: str, value: str) -> None:
        row = self._session.get(MetaRow, key)
        if row is None:
            self._session.add(MetaRow(key=key, value=value))
        else:
            row.value = value


class KbRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(KbArticleRow)) or 0

    def ids(self) -> list[str]:
        return list(self._session.scalars(select(KbArticleRow.id)))

    def updated_at(self, article_id: str) -> str | None:
        """When the article last changed on the server: the version an operator read."""
        stamp = self._session.scalar(select(KbArticleRow.updated_at)
                                     .where(KbArticleRow.id == article_id))
        return stamp.isoformat() if stamp is not None else None


def ticket_payload(ticket: Ticket) -> dict[str, Any]:
    """What a `ticket.create` mutation carries: the interchange form of the ticket."""
    return ticket_to_dict(ticket)


def _row_values(ticket: Ticket) -> dict[str, Any]:
    """The one mapping from a domain ticket to its columns."""
    if ticket.confidential:  # from now on, no log line of this process names the caller
        remember_confidential_name(ticket.caller.name)
    return {
        "created_at": ticket.created_at,
        "channel": ticket.channel.value,
        "appeal_type": ticket.appeal_type.value,
        "urgency": ticket.urgency.value,
        "status": ticket.status.value,
        "category_l1": ticket.category.level1 if ticket.category else None,
        "category_l2": ticket.category.level2 if ticket.category else None,
        "caller_name": ticket.caller.name,
        "caller_phone": ticket.caller.phone,
        "caller_gender": ticket.caller.gender.value,
        "phone_withheld": ticket.caller.phone_withheld,
        "confidential": ticket.confidential,
        "callback_permitted": ticket.callback_permitted,
        "district": ticket.location.district,
        "street": ticket.location.street,
        "community": ticket.location.community,
        "address": ticket.address,
        "content": ticket.content,
        "demand": ticket.demand,
        "unit": ticket.unit,
        "deadline": ticket.deadline,
        "redo_count": ticket.redo_count,
        "answer": ticket.answer,
        "supervision_level": ticket.supervision_level.value if ticket.supervision_level
        else None,
    }


def _stored_row_values(ticket: Ticket) -> dict[str, Any]:
    """`_row_values` as stored: times as their UTC text (what UtcIsoTime binds)."""
    values = _row_values(ticket)
    values["created_at"] = utc_text(ticket.created_at)
    values["deadline"] = utc_text(ticket.deadline) if ticket.deadline else None
    return values


def _insert_sql(table: str, columns: Iterable[str]) -> str:
    """A plain INSERT of these columns (names from the models, never from data)."""
    names = list(columns)
    return (f"INSERT INTO {table} ({', '.join(names)}) "
            f"VALUES ({', '.join('?' for _ in names)})")


def _copy_to_row(ticket: Ticket, row: TicketRow) -> None:
    for column, value in _row_values(ticket).items():
        setattr(row, column, value)


def _event_values(ticket_id: str, event: TicketEvent) -> dict[str, Any]:
    return {"id": event.id, "ticket_id": ticket_id, "at": event.at, "kind": event.kind,
            "actor": event.actor, "data": json.dumps(event.data, ensure_ascii=False)}


def _from_row(row: TicketRow, events: list[TicketEvent]) -> Ticket:
    if row.confidential:
        remember_confidential_name(row.caller_name)
    return Ticket(
        id=row.id,
        created_at=row.created_at,
        channel=Channel(row.channel),
        appeal_type=AppealType(row.appeal_type),
        urgency=Urgency(row.urgency),
        status=TicketStatus(row.status),
        caller=Caller(row.caller_name, row.caller_phone, Gender(row.caller_gender),
                      row.phone_withheld),
        category=CategoryPath(row.category_l1, row.category_l2)
        if row.category_l1 and row.category_l2 else None,
        location=LocationPath(row.district, row.street, row.community),
        address=row.address,
        content=row.content,
        demand=row.demand,
        confidential=row.confidential,
        callback_permitted=row.callback_permitted,
        unit=row.unit,
        deadline=row.deadline,
        redo_count=row.redo_count,
        answer=row.answer,
        supervision_level=SupervisionLevel(row.supervision_level)
        if row.supervision_level else None,
        events=events,
    )


def _event_row(ticket_id: str, event: TicketEvent) -> TicketEventRow:
    return TicketEventRow(**_event_values(ticket_id, event))


def _event_from_row(row: TicketEventRow) -> TicketEvent:
    return TicketEvent(id=row.id, at=row.at, kind=row.kind, actor=row.actor,
                       data=json.loads(row.data))
