"""The storage operations user actions map to; each is one Unit of Work.

They return plain values, so the tasks runner can run them on the DB worker and hand results
to the GUI thread without any session crossing threads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from agent_app.core.actions import (
    FollowUp,
    TicketCommand,
    apply_command,
    check_merge_target,
    split_off,
)
from agent_app.core.creation import creation_steps, event_command
from agent_app.core.enums import TicketStatus
from agent_app.core.intake import (
    IntakeState,
    check_linked_call,
    follow_up_note,
    merged_ticket,
)
from agent_app.core.interchange import ticket_from_dict
from agent_app.core.lifecycle import (
    OPEN_STATES,
    Action,
    EventKind,
    InvalidTransitionError,
    SideEvent,
)
from agent_app.core.models import Ticket, TicketEvent
from agent_app.core.reference import ReferenceData
from agent_app.core.wire import check_command_shape
from agent_app.storage.database import Database
from agent_app.storage.reference import load_reference
from agent_app.storage.schema import SyncState
from agent_app.storage.uow import UnitOfWork

OP_TICKET_CREATE = "ticket.create"
# After a server restore: a ticket the restored server lacks, sent back whole (sync engine).
OP_TICKET_RECOVER = "ticket.recover"


def register_ticket(db: Database, ticket: Ticket, *, draft_id: str | None = None) -> int:
    """Save a new ticket from intake with its outbox mutations atomically — its facts, then
    one command per step taken on the call (core/creation.py) — and discard the draft it came
    from. Raises WireError for a ticket the server's schema would refuse.

    Returns the last mutation id the sync engine will push.
    """
    with db.unit_of_work() as uow:
        mutation_id = _queue_creation(uow, ticket)
        if draft_id is not None:
            uow.drafts.discard(draft_id)
        uow.commit()
        return mutation_id


def _queue_creation(uow: UnitOfWork, ticket: Ticket) -> int:
    ticket = _with_article_versions(uow, ticket)
    facts, commands = creation_steps(ticket)
    for command in commands:
        check_command_shape(command.to_dict())
    uow.tickets.add(ticket, sync_state=SyncState.UNSENT)
    mutation = uow.outbox.add(OP_TICKET_CREATE, ticket.id, facts.to_dict())
    for command in commands:
        mutation = uow.outbox.add(OP_TICKET_ACTION, ticket.id, command.to_dict())
    uow.session.flush()  # the mutation id is the database's
    return mutation.mutation_id


def add_call_as_follow_up(db: Database, state: IntakeState, target_id: str, *, actor: str,
                          now: datetime, draft_id: str | None = None) -> str:
    """A repeat call added to the open ticket as a note. Returns the ticket's id."""
    if check_linked_call(state):
        raise ValueError("incomplete call")
    with db.unit_of_work() as uow:
        _add_note(uow, target_id, follow_up_note(state, None, actor=actor, now=now))
        if draft_id is not None:
            uow.drafts.discard(draft_id)
        uow.commit()
    return target_id


def _with_article_versions(uow: UnitOfWork, ticket: Ticket) -> Ticket:
    """A direct answer taken from the KB names the article; the version it had on this PC
    (its last change on the server) is stamped here, where the cache is at hand."""
    events = []
    for event in ticket.events:
        article_id = event.data.get("article_id") if event.kind == EventKind.ANSWERED else None
        if article_id and not event.data.get("article_version"):
            stamp = uow.kb.updated_at(str(article_id))
            if stamp is not None:
                event = replace(event, data={**event.data, "article_version": stamp})
        events.append(event)
    return replace(ticket, events=events)


def merge_call_into(db: Database, state: IntakeState, target_id: str, *, actor: str,
                    now: datetime, draft_id: str | None = None) -> str:
    """并单: the call becomes a ticket closed as merged, and the open ticket notes it; both
    mutations in one transaction. Returns the merged ticket's id."""
    merged = merged_ticket(state, target_id, actor=actor, now=now)
    with db.unit_of_work() as uow:
        _queue_creation(uow, merged)
        _add_note(uow, target_id, follow_up_note(state, merged.id, actor=actor, now=now))
        if draft_id is not None:
            uow.drafts.discard(draft_id)
        uow.commit()
    return merged.id


def _add_note(uow: UnitOfWork, ticket_id: str, note: TicketEvent) -> None:
    ticket = uow.tickets.get(ticket_id)
    if ticket is None:
        raise LookupError(f"no ticket {ticket_id} in the local cache")
    if ticket.status not in OPEN_STATES:
        # The repeat check ran a moment ago; the ticket may have closed since (a sync).
        raise InvalidTransitionError(ticket.status, SideEvent.NOTE)
    command = event_command(ticket_id, note)
    check_command_shape(command.to_dict())
    uow.tickets.add_event(ticket_id, note)
    uow.outbox.add(OP_TICKET_ACTION, ticket_id, command.to_dict(),
                   base_version=uow.tickets.server_version(ticket_id))


def import_synced_tickets(db: Database, records: Iterable[Mapping[str, Any]]) -> int:
    """Store tickets that the server already holds (demo seed, later: pulled pages)."""
    with db.unit_of_work() as uow:
        count = 0
        for record in records:
            uow.tickets.add(ticket_from_dict(record), sync_state=SyncState.SYNCED)
            count += 1
        uow.commit()
        return count


def import_kb_articles(db: Database, articles: Iterable[Mapping[str, Any]]) -> int:
    """Articles and their search index are written together (agent_app.search)."""
    from agent_app.search.index import apply_article_changes  # search builds on storage

    with db.unit_of_work() as uow:
        count = apply_article_changes(uow.session, list(articles), [])
        uow.commit()
        return count


def autosave_draft(db: Database, draft_id: str, kind: str, payload: Mapping[str, Any]) -> None:
    with db.unit_of_work() as uow:
        uow.drafts.save(draft_id, kind, payload)
        uow.commit()


def discard_draft(db: Database, draft_id: str) -> None:
    with db.unit_of_work() as uow:
        uow.drafts.discard(draft_id)
        uow.commit()


def latest_draft(db: Database, kind: str) -> tuple[str, dict[str, Any]] | None:
    with db.unit_of_work() as uow:
        return uow.drafts.latest(kind)


@dataclass(frozen=True)
class Overview:
    """What the home screen and the status bar show about the local cache."""

    tickets: int
    by_status: Mapping[TicketStatus, int]
    unsent: int
    drafts: int
    overdue: int
    kb_articles: int


def load_overview(db: Database, now: datetime) -> Overview:
    with db.unit_of_work() as uow:
        return Overview(
            tickets=uow.tickets.count(),
            by_status=uow.tickets.count_by_status(),
            unsent=uow.outbox.pending_count(),
            drafts=uow.drafts.count(),
            overdue=uow.tickets.count_overdue(now),
            kb_articles=uow.kb.count(),
        )


OP_KB_FEEDBACK = "kb.feedback"
KB_FEEDBACK_MAX_CHARS = 1000  # the server refuses longer reports


def report_kb_error(db: Database, article_id: str, text: str) -> int:
    """反馈纠错: tell the unit owning the article what is wrong with it. Only the outbox holds
    it (nothing local changes), so it reaches the server with the next sync, even after a
    restart offline. Returns the mutation id."""
    text = text.strip()
    if not text or len(text) > KB_FEEDBACK_MAX_CHARS:
        raise ValueError(f"feedback needs 1 to {KB_FEEDBACK_MAX_CHARS} characters")
    with db.unit_of_work() as uow:
        mutation = uow.outbox.add(OP_KB_FEEDBACK, article_id,
                                  {"article_id": article_id, "text": text})
        uow.commit()
        return mutation.mutation_id


OP_TICKET_ACTION = "ticket.action"


def perform_ticket_command(db: Database, command: TicketCommand, *,
                           reference: ReferenceData | None = None) -> int | None:
    """One user action on a ticket, offline first: the command is applied to the cached
    ticket (which waits to be sent) and queued as a `ticket.action` mutation, in one Unit of
    Work. Returns the mutation id, or None when the command was already applied (a replay).
    Raises CommandRefusedError with the reason when the ticket does not allow it."""
    return perform_ticket_commands(db, [command], reference=reference)[0]


def perform_ticket_commands(db: Database, commands: Sequence[TicketCommand], *,
                            reference: ReferenceData | None = None) -> list[int | None]:
    """Several commands that belong together (并单: the merge and the open ticket's note),
    all or none."""
    reference = reference or load_reference(db)
    with db.unit_of_work() as uow:
        ids = [_queue_command(uow, command, reference) for command in commands]
        uow.commit()
        return ids


def split_ticket(db: Database, source_id: str, *, new_id: str, content: str, demand: str,
                 reason: str, actor: str, now: datetime,
                 reference: ReferenceData | None = None) -> str:
    """拆单: a new registered ticket for part of the appeal, and the source's `split` event
    naming it; both mutations in one transaction. Returns the new ticket's id."""
    reference = reference or load_reference(db)
    with db.unit_of_work() as uow:
        source = uow.tickets.get(source_id)
        if source is None:
            raise LookupError(f"no ticket {source_id} in the local cache")
        part = split_off(source, new_id=new_id, content=content, demand=demand, at=now,
                         actor=actor)
        _queue_creation(uow, part)
        _queue_command(uow, TicketCommand(source_id, FollowUp.SPLIT, now, actor,
                                          {"to": part.id, "reason": reason}), reference)
        uow.commit()
        return part.id


def _queue_command(uow: UnitOfWork, command: TicketCommand, reference: ReferenceData
                   ) -> int | None:
    ticket = uow.tickets.get(command.ticket_id)
    if ticket is None:
        raise LookupError(f"no ticket {command.ticket_id} in the local cache")
    if command.kind is Action.MERGE:
        check_merge_target(ticket, uow.tickets.get(str(command.data.get("into", ""))))
    check_command_shape(command.to_dict())
    result = apply_command(ticket, command, policy=reference.policy,
                           calendar=reference.calendar)
    if len(result.events) == len(ticket.events):
        return None
    uow.tickets.update(result, sync_state=SyncState.UNSENT)
    mutation = uow.outbox.add(OP_TICKET_ACTION, ticket.id, command.to_dict(),
                              base_version=uow.tickets.server_version(ticket.id))
    uow.session.flush()  # the mutation id is the database's
    return mutation.mutation_id
