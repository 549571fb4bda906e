"""A month's tickets read from the local cache for the monthly report (agent_app.core.reports).

Only the tickets with an event in the month, or registered in it, are read: the month's events
come from the time index (at, ticket_id), and each of those tickets' timelines from the
(ticket_id, at) index. Only the event kinds and fields the report uses are fetched, the fields
by json_extract inside SQLite, so a month of 60,000 tickets never builds full domain objects.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from agent_app.core.interchange import InterchangeError
from agent_app.core.reports import (
    EVENT_FIELDS,
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

_FIELDS = sorted({name for names in EVENT_FIELDS.values() for name in names})


def _field_column(name: str) -> str:
    """json_extract only on the rows whose kind the report reads `name` of: SQLite (before
    3.45) parses the JSON again for every json_extract."""
    kinds = ", ".join(f"'{kind}'" for kind, names in EVENT_FIELDS.items() if name in names)
    return f"CASE WHEN kind IN ({kinds}) THEN json_extract(data, '$.{name}') END"


_MONTH_TICKETS = """
    SELECT ticket_id FROM ticket_events WHERE at >= :start AND at < :end
    UNION SELECT id FROM tickets WHERE created_at >= :start AND created_at < :end
"""
_TICKETS_SQL = f"""
    SELECT id, created_at, channel, appeal_type, category_l1, category_l2, unit, deadline
    FROM tickets WHERE id IN ({_MONTH_TICKETS})
"""
_EVENTS_SQL = f"""
    SELECT ticket_id, at, kind, {", ".join(_field_column(name) for name in _FIELDS)}
    FROM ticket_events
    WHERE ticket_id IN ({_MONTH_TICKETS})
      AND kind IN ({", ".join(f"'{kind}'" for kind in EVENT_FIELDS)})
    ORDER BY ticket_id, at
"""
_NO_DATA: dict[str, Any] = {}


def _time(value: str | None) -> datetime | None:
    # Stored as fixed-width UTC text ending in Z, which fromisoformat reads directly.
    return datetime.fromisoformat(value) if value else None


def load_month_tickets(db: Database, month: Month) -> list[ReportTicket]:
    """Tickets with an event in `month` or registered in it, with their whole timelines."""
    bounds = {"start": utc_text(month.start), "end": utc_text(month.end)}
    with db.session() as session:
        # The driver's own cursor: 400,000 rows through the ORM's result layer cost seconds.
        driver = session.connection().connection.driver_connection
        assert driver is not None
        ticket_rows = driver.execute(_TICKETS_SQL, bounds).fetchall()
        events = _events_by_ticket(driver.execute(_EVENTS_SQL, bounds))
    tickets: list[ReportTicket] = []
    for ticket_id, created, channel, appeal_type, level1, level2, unit, deadline in ticket_rows:
        try:
            tickets.append(ReportTicket(
                id=ticket_id, created_at=_time(created) or utc(month.start), channel=channel,
                appeal_type=appeal_type,
                category=(level1, level2) if level1 and level2 else None,
                unit=unit, deadline=_time(deadline), events=tuple(events.get(ticket_id, ()))))
        except ValueError as exc:
            # One damaged row must not cost the team lead the whole month's report.
            log.warning("ticket %s left out of the report: %s", ticket_id, exc)
    return tickets


def _events_by_ticket(rows: Iterable[Any]) -> dict[str, list[ReportEvent]]:
    grouped: dict[str, list[ReportEvent]] = {}
    for ticket_id, at, kind, *values in rows:
        data = _NO_DATA if not any(values) else {
            name: value for name, value in zip(_FIELDS, values, strict=True)
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
