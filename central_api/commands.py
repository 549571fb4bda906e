"""Ticket commands on the server: the stored ticket, the core's checks, the stored result.

Pushed `ticket.action` mutations, the unit workflow endpoints and the demo's unit simulator
all change tickets through `run_command`, so each is re-checked by the same role table and
lifecycle rules the client applied (agent_app/core/actions.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent_app.core.actions import (
    CommandRefusedError,
    TicketCommand,
    apply_command,
    authorise,
    check_merge_target,
)
from agent_app.core.calendar import WorkingCalendar
from agent_app.core.deadlines import DeadlinePolicy
from agent_app.core.enums import Role
from agent_app.core.interchange import InterchangeError, ticket_from_dict, ticket_to_dict
from agent_app.core.lifecycle import Action
from agent_app.core.models import Ticket
from agent_app.core.reference import DOCUMENTS
from agent_app.core.wire import MAX_EVENTS_PER_TICKET, MAX_TICKET_BYTES, W_EVENT_ID, W_TOO_BIG
from agent_app.paths import resources_dir
from central_api.models import CalendarOverrideRow, TicketEventId, TicketRecord
from central_api.versions import lock_versions, next_version


class UnknownTicketError(LookupError):
    pass


@lru_cache(maxsize=1)
def deadline_policy() -> DeadlinePolicy:
    """The policy /deadline-policy serves: the shipped document."""
    path = resources_dir() / "catalogues" / DOCUMENTS["deadline_policy"]
    return DeadlinePolicy.from_dict(json.loads(path.read_text(encoding="utf-8")))


def working_calendar(session: Session) -> WorkingCalendar:
    """With the overrides an admin keeps on this server (the ones clients fetch). Read once
    per transaction: a push of 200 commands applied them all with one calendar, not 200
    reads of the same rows."""
    transaction = session.get_transaction()
    kept = session.info.get(_CALENDAR_IN)
    if transaction is not None and kept is not None and kept[0] is transaction:
        return cast(WorkingCalendar, kept[1])
    calendar = WorkingCalendar(overrides={
        row.day: row.workday for row in session.scalars(select(CalendarOverrideRow))})
    session.info[_CALENDAR_IN] = (session.get_transaction(), calendar)
    return calendar


_CALENDAR_IN = "working_calendar_in"  # session.info: (transaction, its calendar)


def locked_ticket(session: Session, ticket_id: str) -> tuple[TicketRecord, Ticket]:
    """The stored ticket, locked until commit so concurrent commands apply one after another.
    The version counter is locked first (versions.lock_versions says why)."""
    lock_versions(session)
    record = session.scalar(select(TicketRecord).where(TicketRecord.id == ticket_id)
                            .with_for_update())
    if record is None or record.deleted:
        raise UnknownTicketError(ticket_id)
    try:
        return record, ticket_from_dict(json.loads(record.data))
    except InterchangeError as exc:  # stored by an older release in a shape we cannot read
        raise UnknownTicketError(ticket_id) from exc


def run_command(session: Session, record: TicketRecord, ticket: Ticket,
                command: TicketCommand, role: Role) -> Ticket:
    """Check and apply one command to a locked ticket and store the result with a new
    version; nothing is written when it is refused. Does not commit."""
    authorise(ticket, command.kind, role)
    if command.kind is Action.MERGE:
        target_id = str(command.data.get("into", ""))
        target = None
        if target_id and target_id != ticket.id:
            try:
                target = locked_ticket(session, target_id)[1]
            except UnknownTicketError:
                target = None
        check_merge_target(ticket, target)
    result = apply_command(ticket, command, policy=deadline_policy(),
                           calendar=working_calendar(session))
    if len(result.events) == len(ticket.events):
        return result  # a replay: nothing new to store
    store_ticket(session, record, result, new_event_ids=[command.event_id])
    return result


def claim_event_ids(session: Session, ticket_id: str, event_ids: list[str]) -> None:
    """Record that these events are `ticket_id`'s; an id another ticket holds is refused."""
    for event_id in event_ids:
        owner = session.get(TicketEventId, event_id)
        if owner is not None and owner.ticket_id != ticket_id:
            raise CommandRefusedError(W_EVENT_ID)
        if owner is None:
            session.add(TicketEventId(event_id=event_id, ticket_id=ticket_id))


def store_ticket(session: Session, record: TicketRecord, ticket: Ticket, *,
                 new_event_ids: list[str]) -> None:
    """Write a derived ticket to its (locked or new) record with a new version, within the
    size limits: past them nothing more is added to the ticket."""
    data = json.dumps(ticket_to_dict(ticket), ensure_ascii=False)
    if len(ticket.events) > MAX_EVENTS_PER_TICKET or len(data.encode()) > MAX_TICKET_BYTES:
        raise CommandRefusedError(W_TOO_BIG)
    claim_event_ids(session, ticket.id, new_event_ids)
    record.data = data
    record.status = ticket.status.value
    record.unit = ticket.unit
    record.version = next_version(session)
    record.updated_at = datetime.now(UTC)

