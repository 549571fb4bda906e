"""The storage operations user actions map to; each is one Unit of Work.

They return plain values, so the tasks runner can run them on the DB worker and hand results
to the GUI thread without any session crossing threads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agent_app.core.enums import TicketStatus
from agent_app.core.interchange import ticket_from_dict
from agent_app.core.models import Ticket
from agent_app.storage.database import Database
from agent_app.storage.repositories import ticket_payload
from agent_app.storage.schema import SyncState

OP_TICKET_CREATE = "ticket.create"


def register_ticket(db: Database, ticket: Ticket, *, draft_id: str | None = None) -> int:
    """Save a new ticket and its outbox mutation atomically; discard the draft it came from.

    Returns the mutation id the sync engine will push.
    """
    with db.unit_of_work() as uow:
        uow.tickets.add(ticket, sync_state=SyncState.UNSENT)
        mutation = uow.outbox.add(OP_TICKET_CREATE, ticket.id, ticket_payload(ticket))
        if draft_id is not None:
            uow.drafts.discard(draft_id)
        uow.commit()
        return mutation.mutation_id


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
    with db.unit_of_work() as uow:
        count = uow.kb.upsert_many(articles)
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
