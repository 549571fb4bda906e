"""A month's tickets read from the local cache for the monthly report (agent_app.core.reports).

Only the tickets with an event in the month, or registered in it, are read: the month's events
come from the time index (at, ticket_id), and each of those tickets' timelines from the
(ticket_id, at) index. Only the event kinds and fields the report uses are fetched, the fields
by json_extract inside SQLite, so a month of 60,000 tickets never builds full domain objects.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import text

from agent_app.core.interchange import InterchangeError
from agent_app.core.reports import (
    Month,
    MonthlyReport,
    ReportEvent,
    ReportTicket,
    UnitDirectory,
    acceptance_check,
    compute_report,
    report_event,
    utc,
)
from agent_app.storage.database import Database
from agent_app.storage.reference import load_reference
from agent_app.storage.schema import utc_text

log = logging.getLogger(__name__)

# The kinds core.reports reads; notes, supervision and the rest are left in the database.
REPORT_EVENT_KINDS = ("registered", "answered", "dispatched", "accepted", "replied",
                      "extension", "redo", "callback", "closed", "merged")
_EVENT_FIELDS = ("unit", "deadline", "requested_deadline", "decision", "result", "process")

_MONTH_TICKETS = """
    SELECT ticket_id FROM ticket_events WHERE at >= :start AND at < :end
    UNION SELECT id FROM tickets WHERE created_at >= :start AND created_at < :end
"""
_TICKETS_SQL = f"""
    SELECT id, created_at, channel, appeal_type, category_l1, category_l2, unit, deadline
    FROM tickets WHERE id IN ({_MONTH_TICKETS})
"""
_EVENTS_SQL = f"""
    SELECT ticket_id, at, kind, {", ".join(f"json_extract(data, '$.{name}')"
                                           for name in _EVENT_FIELDS)}
    FROM ticket_events
    WHERE ticket_id IN ({_MONTH_TICKETS})
      AND kind IN ({", ".join(f"'{kind}'" for kind in REPORT_EVENT_KINDS)})
    ORDER BY ticket_id, at
"""


def _time(value: str | None) -> datetime | None:
    # Stored as fixed-width UTC text ending in Z, which fromisoformat reads directly.
    return datetime.fromisoformat(value) if value else None


def load_month_tickets(db: Database, month: Month) -> list[ReportTicket]:
    """Tickets with an event in `month` or registered in it, with their whole timelines."""
    bounds = {"start": utc_text(month.start), "end": utc_text(month.end)}
    with db.session() as session:
        ticket_rows = session.execute(text(_TICKETS_SQL), bounds).all()
        events = _events_by_ticket(session.execute(text(_EVENTS_SQL), bounds))
        tickets: list[ReportTicket] = []
        for ticket_id, created, channel, appeal_type, level1, level2, unit, deadline in \
                ticket_rows:
            try:
                timeline = events.get(ticket_id, ())
                tickets.append(ReportTicket(
                    id=ticket_id, created_at=_time(created) or utc(month.start),
                    channel=channel,
                    appeal_type=appeal_type,
                    category=(level1, level2) if level1 and level2 else None,
                    unit=unit, deadline=_time(deadline), events=tuple(timeline)))
            except (InterchangeError, ValueError) as exc:
                # One damaged row must not cost the team lead the whole month's report.
                log.warning("ticket %s left out of the report: %s", ticket_id, exc)
    return tickets


def _events_by_ticket(rows: Iterator[Any]) -> dict[str, list[ReportEvent]]:
    grouped: dict[str, list[ReportEvent]] = {}
    for ticket_id, at, kind, *values in rows:
        data = {name: value for name, value in zip(_EVENT_FIELDS, values, strict=True)
                if value is not None}
        try:
            event = report_event(datetime.fromisoformat(at), kind, data)
        except (InterchangeError, ValueError) as exc:
            log.warning("an event of ticket %s left out of the report: %s", ticket_id, exc)
            continue
        grouped.setdefault(ticket_id, []).append(event)
    return grouped


def build_month_report(db: Database, month: Month, *, now: datetime) -> MonthlyReport:
    """The month's report from the local cache, with this installation's catalogue and
    calendar; `now` bounds the deadlines counted for a month still in progress."""
    reference = load_reference(db)
    return compute_report(load_month_tickets(db, month), month,
                          directory=UnitDirectory.from_catalogue(reference.catalogue),
                          accepted_in_time=acceptance_check(reference.policy,
                                                            reference.calendar),
                          as_of=now)
