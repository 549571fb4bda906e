"""The pull's bulk insert writes plain tuples, past the ORM's type processing: the rows it
writes must be the very rows the ORM writes for the same tickets, and read back the same."""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from agent_app.core.enums import SupervisionLevel
from agent_app.core.masking import forget_confidential_names, mask_sensitive_text
from agent_app.core.models import Ticket
from agent_app.storage.database import open_database
from agent_app.storage.schema import SyncState
from tests.factories import dispatched, make_ticket

OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5,
                                                                                   minutes=-30))])


def variants(n: int, offset: timezone, with_deadline: bool, confidential: bool):  # type: ignore[no-untyped-def]
    base = make_ticket(f"B-{n:04d}", phone=f"1390000{n:04d}", events=1 + n % 3)
    base = dispatched(base, "市城市管理局") if with_deadline else base
    moment = datetime(2026, 11, 23, 9, 59, 58, 123456, tzinfo=UTC).astimezone(offset)
    return replace(base, created_at=moment, confidential=confidential,
                   caller=replace(base.caller, name="王小明" if confidential else "张先生"),
                   category=None if n % 4 == 0 else base.category,
                   supervision_level=SupervisionLevel.WRITTEN if n % 5 == 0 else None,
                   answer="已答复" if n % 2 else None,
                   events=[replace(e, at=e.at.astimezone(offset)) for e in base.events])


def rows(path, table: str, key: str):  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(path)
    try:
        found = conn.execute(f"SELECT * FROM {table} ORDER BY {key}").fetchall()
        names = [c[0] for c in conn.execute(f"SELECT * FROM {table}").description]
    finally:
        conn.close()
    return [dict(zip(names, row, strict=True)) for row in found]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(OFFSETS, st.booleans(), st.booleans()), min_size=1, max_size=6))
def test_the_bulk_insert_writes_what_the_orm_writes(shapes):
    tickets = [variants(n, *shape) for n, shape in enumerate(shapes)]
    with tempfile.TemporaryDirectory() as tmp:
        compare_bulk_and_orm(Path(tmp), tickets)


def compare_bulk_and_orm(folder: Path, tickets: list[Ticket]) -> None:
    bulk, orm = open_database(folder / "bulk.db"), open_database(folder / "orm.db")
    try:
        with bulk.unit_of_work() as uow:
            uow.tickets.insert_many_from_server([(t, 10 + n) for n, t in enumerate(tickets)])
            uow.commit()
        with orm.unit_of_work() as uow:
            for n, ticket in enumerate(tickets):
                uow.tickets.add(ticket, sync_state=SyncState.SYNCED, server_version=10 + n)
            uow.commit()
        with bulk.unit_of_work() as uow:
            for ticket in tickets:
                # The cache gives events back in time order (then by id).
                in_order = sorted(ticket.events, key=lambda e: (e.at, e.id))
                assert uow.tickets.get(ticket.id) == replace(ticket, events=in_order)
    finally:
        bulk.close()
        orm.close()
    ignore = {"updated_at"}
    assert ([{k: v for k, v in r.items() if k not in ignore}
             for r in rows(folder / "bulk.db", "tickets", "id")]
            == [{k: v for k, v in r.items() if k not in ignore}
                for r in rows(folder / "orm.db", "tickets", "id")])
    assert rows(folder / "bulk.db", "ticket_events", "id") == rows(folder / "orm.db",
                                                                   "ticket_events", "id")


def test_a_confidential_caller_written_in_bulk_is_masked_in_this_processs_logs(tmp_path):
    forget_confidential_names()
    ticket = replace(make_ticket("B-9000"), confidential=True,
                     caller=replace(make_ticket().caller, name="赵秘密"))
    db = open_database(tmp_path / "bulk.db")
    try:
        with db.unit_of_work() as uow:
            uow.tickets.insert_many_from_server([(ticket, 1)])
            uow.commit()
    finally:
        db.close()
    assert "赵秘密" not in mask_sensitive_text("来电人 赵秘密 的工单")
