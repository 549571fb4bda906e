"""What the intake form asks the local cache while a call is on: the caller's earlier tickets
and open tickets this call may repeat. Both run on indexed columns (phone, created_at), so they
answer in milliseconds with 100k tickets cached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from agent_app.core.enums import TicketStatus
from agent_app.core.intake import REPEAT_WINDOW, IntakeState, is_repeat_of
from agent_app.core.lifecycle import OPEN_STATES
from agent_app.core.models import CategoryPath, Ticket
from agent_app.storage.database import Database
from agent_app.storage.schema import TicketRow


@dataclass(frozen=True)
class CallerTicket:
    """One line of the caller history panel."""

    id: str
    created_at: datetime
    status: TicketStatus
    category: CategoryPath | None
    content: str
    unit: str | None
    confidential: bool
    caller_name: str = ""  # how the caller was addressed then: prefilled for this call


def caller_history(db: Database, phone: str, limit: int = 20) -> list[CallerTicket]:
    if not phone:
        return []
    with db.unit_of_work() as uow:
        rows = uow.session.execute(
            select(TicketRow.id, TicketRow.created_at, TicketRow.status, TicketRow.category_l1,
                   TicketRow.category_l2, TicketRow.content, TicketRow.unit,
                   TicketRow.confidential, TicketRow.caller_name)
            .where(TicketRow.caller_phone == phone)
            .order_by(TicketRow.created_at.desc()).limit(limit))
        return [CallerTicket(r.id, r.created_at, TicketStatus(r.status),
                             CategoryPath(r.category_l1, r.category_l2)
                             if r.category_l1 else None,
                             r.content, r.unit, r.confidential, r.caller_name or "")
                for r in rows]


def repeat_candidates(db: Database, state: IntakeState, now: datetime) -> list[Ticket]:
    """Open tickets of the last 30 days this call repeats (same phone or address, same
    category), newest first."""
    category = state.category_path
    phone, address = state.caller.phone, state.address.strip()
    if category is None or not (phone or address):
        return []
    window = (TicketRow.created_at >= now - REPEAT_WINDOW,
              TicketRow.category_l1 == category.level1,
              TicketRow.category_l2 == category.level2,
              TicketRow.status.in_([s.value for s in OPEN_STATES]))
    # One query per key, each on its own index (an OR would make SQLite scan the month).
    keys = []
    if phone and not state.phone_withheld:
        keys.append(TicketRow.caller_phone == phone)
    if address:
        keys.append(TicketRow.address == address)
    if not keys:
        return []
    with db.unit_of_work() as uow:
        ids: set[str] = set()
        for key in keys:
            ids.update(uow.session.scalars(select(TicketRow.id).where(key, *window)
                                           .order_by(TicketRow.created_at.desc()).limit(5)))
        tickets = [t for t in (uow.tickets.get(i) for i in ids) if t is not None]
    tickets.sort(key=lambda t: t.created_at, reverse=True)
    # The SQL narrows; the core rule decides, so the two can never disagree.
    return [t for t in tickets if is_repeat_of(state, t, now)]
