"""The queue's reading of the local cache: a page at a time first, then only what changed,
and the same rows as reading everything again."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from agent_app.core.actions import TicketCommand
from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import TicketStatus
from agent_app.core.interchange import ticket_to_dict
from agent_app.core.lifecycle import Action, SideEvent
from agent_app.core.models import TicketEvent, new_event_id
from agent_app.core.queue import QueueRow
from agent_app.storage import ops, queue
from agent_app.storage.database import open_database
from agent_app.storage.queue import QueueLoader
from agent_app.storage.schema import SyncState, utc_text
from tests.factories import make_ticket

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ)


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "agent.db")
    yield database
    database.close()


def read_all(loader: QueueLoader, db) -> queue.QueueSnapshot:
    while not (snapshot := loader.step(db, NOW)).complete:
        pass
    return snapshot


def by_id(snapshot: queue.QueueSnapshot) -> dict:
    return {row.id: row for row in snapshot.rows}


def test_pages_then_changes_give_what_a_fresh_read_gives(db, monkeypatch):
    monkeypatch.setattr(queue, "PAGE_ROWS", 3)
    monkeypatch.setattr(queue, "EVENT_PAGE", 4)
    ops.import_synced_tickets(db, [ticket_to_dict(make_ticket(f"T-{n}")) for n in range(8)])
    loader = QueueLoader("op01")
    steps = 0
    while not (snapshot := loader.step(db, NOW)).complete:
        steps += 1
        assert snapshot.loaded <= snapshot.total == 8
    assert steps >= 3 and len(snapshot.rows) == 8
    assert snapshot.context.mine == frozenset(f"T-{n}" for n in range(8))

    # A new local ticket, a command on a synced one, an extension request pulled in.
    ops.register_ticket(db, make_ticket("T-NEW", phone="13700000001"))
    ops.perform_ticket_command(db, TicketCommand("T-1", Action.DISPATCH, NOW, "lead01",
                                                 {"unit": "市城市管理局"}))
    asked = replace(make_ticket("T-ASK", status=TicketStatus.ACCEPTED), unit="市住建局",
                    events=[TicketEvent(new_event_id(), NOW, "extension", "市住建局",
                                        {"decision": "pending", "reason": "x"})])
    with db.unit_of_work() as uow:
        uow.tickets.store_from_server(asked, 5)
        uow.commit()
    changed = loader.step(db, NOW)
    fresh = read_all(QueueLoader("op01"), db)
    assert by_id(changed) == by_id(fresh)
    assert changed.context == fresh.context
    assert by_id(changed)["T-NEW"].sync_state == "unsent"
    assert by_id(changed)["T-1"].status == "dispatched"
    assert changed.context.pending_extensions == frozenset({"T-ASK"})


def test_acknowledged_rows_turn_synced_and_deleted_ones_go(db):
    ops.register_ticket(db, make_ticket("T-MINE"))
    ops.import_synced_tickets(db, [ticket_to_dict(make_ticket("T-OLD"))])
    loader = QueueLoader("op01")
    assert by_id(read_all(loader, db))["T-MINE"].sync_state == "unsent"
    with db.unit_of_work() as uow:  # what the push acknowledgement does
        uow.outbox.acknowledge([m.mutation_id for m in uow.outbox.pending(10)])
        uow.tickets.set_sync_state("T-MINE", SyncState.SYNCED, 1)
        uow.commit()
    assert by_id(loader.step(db, NOW))["T-MINE"].sync_state == "synced"
    with db.unit_of_work() as uow:  # a tombstone pulled
        uow.tickets.delete("T-OLD")
        uow.commit()
    snapshot = read_all(loader, db)
    assert set(by_id(snapshot)) == {"T-MINE"}


def test_notes_change_the_row_and_drafts_come_along(db):
    ops.import_synced_tickets(db, [ticket_to_dict(make_ticket("T-1"))])
    loader = QueueLoader("someone-else")
    assert read_all(loader, db).context.mine == frozenset()
    ops.perform_ticket_command(db, TicketCommand("T-1", SideEvent.NOTE, NOW, "someone-else",
                                                 {"text": "补充"}))
    ops.autosave_draft(db, "d-1", "intake", {"caller_name": "赵先生", "confidential": True,
                                             "caller_phone": "13811112222"})
    snapshot = loader.step(db, NOW)
    assert snapshot.context.mine == frozenset({"T-1"})
    draft = by_id(snapshot)["d-1"]
    assert (draft.status, draft.caller) == ("draft", "赵** 138****2222")


@pytest.mark.parametrize("unixepoch", [True, False], ids=["unixepoch", "older-sqlite"])
def test_rows_read_by_sqlite_are_the_tickets_as_stored(db, monkeypatch, unixepoch):
    """The first read (times and texts worked out by SQLite, by column) and the read by ids
    (the refresh) give each ticket's row as the core's own rules make it: the time keys of
    the stored texts, also of one not in the stored form; the caller shown and searched
    masked when confidential; the search text lower-cased (full-width letters too), one
    line, content cut at 60 characters."""
    monkeypatch.setattr(queue, "PAGE_ROWS", 4)
    monkeypatch.setattr(queue, "_has_unixepoch", lambda _cursor: unixepoch)
    tickets = [make_ticket(f"T-{n}", phone=f"1390000{n:04d}") for n in range(9)]
    tickets[1] = replace(tickets[1], confidential=True)
    tickets[2] = replace(tickets[2], content="ＡＢ栋 Lamp\nOUT " + "长" * 80,
                         address="Ｃ座\n二楼", deadline=NOW)
    tickets[3] = replace(tickets[3], confidential=True, caller=replace(tickets[3].caller,
                                                                        phone=""))
    ops.import_synced_tickets(db, [ticket_to_dict(t) for t in tickets])
    with db.unit_of_work() as uow:  # a time as another writer might have left it
        uow.session.connection().exec_driver_sql(
            "UPDATE tickets SET created_at = '2026-11-24T02:00:00+00:00' WHERE id = 'T-4'")
        uow.commit()
    loader = QueueLoader("op01")
    first = by_id(read_all(loader, db))
    again = by_id(loader.read_tickets(db, NOW, [t.id for t in tickets]))
    for ticket in tickets:
        caller = queue.caller_shown(ticket.caller.name, ticket.caller.phone,
                                    ticket.confidential)
        findable = caller if ticket.confidential else f"{ticket.caller.name} {ticket.caller.phone}"
        category = f"{ticket.category.level1}/{ticket.category.level2}"
        created = ("2026-11-24T02:00:00.000000Z" if ticket.id == "T-4"
                   else utc_text(ticket.created_at))
        expected = QueueRow(
            ticket.id, created, caller, ticket.appeal_type.value, category, ticket.unit or "",
            ticket.status.value, utc_text(ticket.deadline) if ticket.deadline else "",
            ticket.redo_count, "", "synced",
            f"{ticket.id} {findable} {category} {ticket.unit or ''} {ticket.address} "
            f"{ticket.content[:60]}".lower().replace("\n", " "))
        assert first[ticket.id] == expected
        assert again[ticket.id] == expected
    assert "1390000" not in first["T-1"].search and first["T-1"].caller == "张** 139****0001"
    assert "ａｂ栋 lamp out" in first["T-2"].search and "ｃ座 二楼" in first["T-2"].search
