"""The month read from a real local cache (agent_app.storage.reports)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

from agent_app.commands.report import report_from_tickets
from agent_app.core.calendar import CHINA_TZ
from agent_app.core.reports import Month, report_ticket_from_dict
from agent_app.demo.generate import generate_demo_tickets
from agent_app.storage import ops
from agent_app.storage.database import DB_FILENAME, open_database
from agent_app.storage.reports import _MONTH_SQL, build_month_report, load_month_tickets

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=CHINA_TZ)


def test_the_cache_gives_the_report_the_interchange_records_give(tmp_path):
    records = generate_demo_tickets(600, now=NOW)
    db = open_database(tmp_path / DB_FILENAME)
    try:
        ops.import_synced_tickets(db, records)
        for month in (Month(2026, 10), Month(2026, 11)):
            from_cache = build_month_report(db, month, now=NOW)
            from_records = report_from_tickets(
                [report_ticket_from_dict(r) for r in records], month, now=NOW)
            assert from_cache == from_records
            assert from_cache.totals.received > 20 and from_cache.totals.result_rated > 5
    finally:
        db.close()


def test_only_the_months_tickets_are_read_and_through_the_time_index(tmp_path):
    records = generate_demo_tickets(300, now=NOW)
    db = open_database(tmp_path / DB_FILENAME)
    try:
        ops.import_synced_tickets(db, records)
        month = Month(2026, 10)
        loaded = load_month_tickets(db, month)
        expected = {r["id"] for r in records
                    if any(Month.of(datetime.fromisoformat(e["at"])) == month
                           for e in r["events"])
                    or Month.of(datetime.fromisoformat(r["created_at"])) == month}
        assert {t.id for t in loaded} == expected and 0 < len(expected) < len(records)
        with db.session() as session:
            plan = " ".join(str(row[-1]) for row in session.execute(
                text(f"EXPLAIN QUERY PLAN {_MONTH_SQL}"), {"start": "a", "end": "b"}))
        assert "ix_ticket_events_at" in plan and "ix_ticket_events_ticket" in plan
        assert "SCAN ticket_events" not in plan.replace("USING COVERING INDEX", "")
    finally:
        db.close()


def test_a_damaged_event_row_is_left_out_not_fatal(tmp_path, caplog):
    records = generate_demo_tickets(60, now=NOW)
    db = open_database(tmp_path / DB_FILENAME)
    try:
        ops.import_synced_tickets(db, records)
        with db.session() as session, session.begin():
            session.execute(text(
                "UPDATE ticket_events SET data = '{\"unit\": 5, \"deadline\": \"soon\"}' "
                "WHERE id = (SELECT id FROM ticket_events WHERE kind = 'dispatched' "
                "ORDER BY at DESC LIMIT 1)"))
        report = build_month_report(db, Month(2026, 11), now=NOW)
        assert report.totals.contacts > 0
        assert "left out of the report" in caplog.text
    finally:
        db.close()
