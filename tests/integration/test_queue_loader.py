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
from agent_app.storage import ops, queue
from agent_app.storage.database import open_database
from agent_app.storage.queue import QueueLoader
from agent_app.storage.schema import SyncState
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
