"""What smart intake reads from the local cache: the last days' tickets (merge offers and
hotspots) and the registered tickets the category model learns from. Read-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from agent_app.core.enums import TicketStatus
from agent_app.core.models import CategoryPath, LocationPath
from agent_app.core.smart_intake.category import TrainingTicket
from agent_app.core.smart_intake.same_matter import MERGE_WINDOW, RecentTicket
from agent_app.storage.database import Database
from agent_app.storage.schema import TicketRow


def recent_tickets(db: Database, now: datetime) -> list[RecentTicket]:
    """Tickets registered in the merge window, on the created_at index."""
    with db.unit_of_work() as uow:
        rows = uow.session.execute(
            select(TicketRow.id, TicketRow.created_at, TicketRow.status, TicketRow.caller_phone,
                   TicketRow.category_l1, TicketRow.category_l2, TicketRow.district,
                   TicketRow.street, TicketRow.community, TicketRow.content)
            .where(TicketRow.created_at >= now - MERGE_WINDOW)
            .order_by(TicketRow.created_at))
        return [RecentTicket(r.id, r.created_at, TicketStatus(r.status), r.caller_phone,
                             CategoryPath(r.category_l1, r.category_l2)
                             if r.category_l1 and r.category_l2 else None,
                             LocationPath(r.district, r.street, r.community), r.content)
                for r in rows]


TRAINING_TICKETS = 30_000  # the newest; enough for every category, quick on the DB worker


def training_history(db: Database, limit: int = TRAINING_TICKETS) -> list[TrainingTicket]:
    """The newest tickets with a category and a text, oldest first (the model keeps the
    newest of each category)."""
    with db.unit_of_work() as uow:
        rows = uow.session.execute(
            select(TicketRow.content, TicketRow.category_l1, TicketRow.category_l2)
            .where(TicketRow.category_l1.is_not(None), TicketRow.content != "",
                   TicketRow.status != TicketStatus.DRAFT.value)
            .order_by(TicketRow.created_at.desc()).limit(limit))
        found = [TrainingTicket(r.content, (r.category_l1, r.category_l2)) for r in rows
                 if r.category_l2]
    found.reverse()
    return found


def ticket_count(db: Database) -> int:
    from sqlalchemy import func

    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(TicketRow)) or 0)
