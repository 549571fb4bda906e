"""A month's tickets read from the local cache for the monthly report (agent_app.core.reports).

Only the tickets with an event in the month, or registered in it, are read: the month's events
come from the time index (at, ticket_id), and each of those tickets' timelines from the
(ticket_id, at) index. Only the event kinds and fields the report uses are fetched, the fields
by json_extract inside SQLite, so a month of 60,000 tickets never builds full domain objects.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text

from agent_app.core.assessment import (
    POLICY_FILENAME,
    Adjustment,
    AdjustmentRefusedError,
    AssessmentPolicy,
    OfficialScore,
    adjustment_problems,
    assess_month,
)
from agent_app.core.interchange import InterchangeError
from agent_app.core.reference import ReferenceData
from agent_app.core.reports import (
    EVENT_FIELD_ORDER,
    EVENT_FIELDS,
    Month,
    MonthlyReport,
    ReportEvent,
    ReportTicket,
    UnitDirectory,
    acceptance_check,
    compute_report,
    policy_deadlines,
    report_event_of,
    tickets_behind,
    utc,
)
from agent_app.gc_pause import cyclic_gc_paused
from agent_app.paths import resources_dir
from agent_app.storage.database import Database
from agent_app.storage.reference import load_reference
from agent_app.storage.schema import ScoreAdjustmentRow, utc_text

log = logging.getLogger(__name__)

def _field_column(name: str) -> str:
    """json_extract only on the rows whose kind the report reads `name` of: SQLite (before
    3.45) parses the JSON again for every json_extract."""
    kinds = ", ".join(f"'{kind}'" for kind, names in EVENT_FIELDS.items() if name in names)
    return f"CASE WHEN kind IN ({kinds}) THEN json_extract(data, '$.{name}') END"


_MONTH_TICKETS = """
    SELECT ticket_id FROM ticket_events WHERE at >= :start AND at < :end
    UNION SELECT id FROM tickets WHERE created_at >= :start AND created_at < :end
"""
# One pass: each ticket of the month, then its timeline in time order.
_MONTH_SQL = f"""
    SELECT t.id, t.created_at, t.channel, t.appeal_type, t.category_l1, t.category_l2,
           t.unit, t.deadline, e.at, e.kind,
           {", ".join(_field_column(name) for name in EVENT_FIELD_ORDER)}, t.urgency
    FROM tickets t
    LEFT JOIN ticket_events e
      ON e.ticket_id = t.id AND e.kind IN ({", ".join(f"'{kind}'" for kind in EVENT_FIELDS)})
    WHERE t.id IN ({_MONTH_TICKETS})
    ORDER BY t.id, e.at
"""


def _time(value: str | None) -> datetime | None:
    # Stored as fixed-width UTC text ending in Z, which fromisoformat reads directly.
    return datetime.fromisoformat(value) if value else None


def load_month_tickets(db: Database, month: Month) -> list[ReportTicket]:
    """Tickets with an event in `month` or registered in it, with their whole timelines."""
    bounds = {"start": utc_text(month.start), "end": utc_text(month.end)}
    with db.session() as session:
        # The driver's own cursor: 300,000 rows through the ORM's result layer cost seconds.
        driver = session.connection().connection.driver_connection
        assert driver is not None
        return _tickets(driver.execute(_MONTH_SQL, bounds), utc(month.start))


def _tickets(rows: Iterable[Sequence[Any]], fallback_time: datetime) -> list[ReportTicket]:
    """Rows of _MONTH_SQL (a ticket's columns, then one event's) → tickets with timelines."""
    tickets: list[ReportTicket] = []
    ticket: Sequence[Any] = ()
    current_id = None
    events: list[ReportEvent] = []
    parse = datetime.fromisoformat
    for row in rows:
        if row[0] != current_id:
            if ticket:
                _add_ticket(tickets, ticket, events, fallback_time)
            ticket, current_id, events = row, row[0], []
        if row[8] is None:
            continue  # a ticket without any event the report reads
        try:
            # at, kind, then the fields in EVENT_FIELD_ORDER
            events.append(report_event_of(parse(row[8]), row[9], row[10], row[11], row[12],
                                          row[13], row[14], row[15]))
        except (InterchangeError, ValueError) as exc:
            log.warning("an event of ticket %s left out of the report: %s", row[0], exc)
    if ticket:
        _add_ticket(tickets, ticket, events, fallback_time)
    return tickets


def _add_ticket(tickets: list[ReportTicket], row: Sequence[Any], events: list[ReportEvent],
                fallback_time: datetime) -> None:
    ticket_id, created, channel, appeal_type, level1, level2, unit, deadline = row[:8]
    urgency = row[16]  # the last column of _MONTH_SQL
    try:
        tickets.append(ReportTicket(
            ticket_id, _time(created) or fallback_time, channel, appeal_type,
            (level1, level2) if level1 and level2 else None, unit, _time(deadline),
            tuple(events), urgency=urgency))
    except ValueError as exc:
        # One damaged row must not cost the team lead the whole month's report.
        log.warning("ticket %s left out of the report: %s", ticket_id, exc)


def build_month_report(db: Database, month: Month, *, now: datetime,
                       reference: ReferenceData | None = None) -> MonthlyReport:
    """The month's report from the local cache, with this installation's catalogue and
    calendar; `now` bounds the deadlines counted for a month still in progress."""
    reference = reference or load_reference(db)
    with cyclic_gc_paused():
        return compute_report(load_month_tickets(db, month), month,
                              directory=UnitDirectory.from_catalogue(reference.catalogue),
                              accepted_in_time=acceptance_check(reference.policy,
                                                                reference.calendar),
                              as_of=now,
                              deadline_for=policy_deadlines(reference.policy,
                                                            reference.calendar))


def kb_articles_by_unit(db: Database, month: Month) -> dict[str, int]:
    """知识点报送: the KB articles each unit submitted (last updated) in `month`."""
    bounds = {"start": utc_text(month.start), "end": utc_text(month.end)}
    with db.session() as session:
        rows = session.execute(text(
            "SELECT unit, COUNT(*) FROM kb_articles WHERE unit IS NOT NULL "
            "AND updated_at >= :start AND updated_at < :end GROUP BY unit"), bounds)
        return {unit: count for unit, count in rows}


def build_assessed_month_report(db: Database, month: Month, *, now: datetime,
                                scores: Sequence[OfficialScore] = (),
                                adjustments: Sequence[Adjustment] = (),
                                policy: AssessmentPolicy | None = None,
                                reference: ReferenceData | None = None) -> MonthlyReport:
    """The month's report assessed (score, rank, call-ins), the year's earlier months first.
    Raises PolicyError when the shipped policy cannot be used."""
    reference = reference or load_reference(db)  # once for the year's months
    directory = UnitDirectory.from_catalogue(reference.catalogue)
    policy = policy or AssessmentPolicy.load(resources_dir() / "policy" / POLICY_FILENAME)

    with db.session() as session:
        has_kb = session.execute(text("SELECT 1 FROM kb_articles LIMIT 1")).first() is not None

    def kb_articles(of: Month) -> dict[str, int] | None:
        if not has_kb:
            return None  # no KB synced yet: 知识点报送 has no figures, rather than zero
        counts: dict[str, int] = {}
        for unit, count in kb_articles_by_unit(db, of).items():
            name = directory.canonical_name(unit)
            counts[name] = counts.get(name, 0) + count
        return counts

    kept = stored_adjustments(db, month.year, directory)
    return assess_month(month, lambda of: build_month_report(db, of, now=now,
                                                             reference=reference), policy,
                        directory, scores=scores, adjustments=[*kept, *adjustments],
                        kb_articles=kb_articles)


def month_tickets_behind(db: Database, month: Month, unit: str, measure: str, *,
                         now: datetime, reference: ReferenceData | None = None
                         ) -> list[ReportTicket]:
    """The drill-down of the reports screen: the tickets behind one cell of a unit's row."""
    reference = reference or load_reference(db)
    return tickets_behind(load_month_tickets(db, month), month, unit, measure,
                          directory=UnitDirectory.from_catalogue(reference.catalogue),
                          accepted_in_time=acceptance_check(reference.policy,
                                                            reference.calendar),
                          as_of=now,
                          deadline_for=policy_deadlines(reference.policy, reference.calendar))


def record_adjustment(db: Database, month: Month, unit: str, points: Decimal, reason: str, *,
                      actor: str, role: str, now: datetime) -> str:
    """Keep a manual 加分/扣分 (insert-only, audited by actor, role and time); its id.
    Raises AdjustmentRefusedError (a ValueError) naming what is wrong."""
    problems = adjustment_problems(points, reason, role)
    if problems:  # the first, in the user's language where it is shown (a ValueError too)
        raise AdjustmentRefusedError(next(iter(problems.values())))
    adjustment_id = str(uuid.uuid4())
    with db.session() as session:
        session.add(ScoreAdjustmentRow(
            id=adjustment_id, month=str(month), unit=unit, points=str(points),
            reason=reason.strip(), actor=actor, role=role, created_at=now))
        session.commit()
    return adjustment_id


def stored_adjustments(db: Database, year: int, directory: UnitDirectory) -> list[Adjustment]:
    """The year's manual adjustments kept in the cache, oldest first."""
    with db.session() as session:
        rows = session.scalars(
            select(ScoreAdjustmentRow)
            .where(ScoreAdjustmentRow.month.like(f"{year:04d}-%"))
            .order_by(ScoreAdjustmentRow.created_at)).all()
        found = []
        for number, row in enumerate(rows, start=1):
            group = directory.group_of_name(row.unit) or ""
            found.append(Adjustment(
                directory.canonical_name(row.unit), group, Decimal(row.points), row.reason,
                row.actor, row.role, number, Month.parse(row.month), at=row.created_at))
        return found
