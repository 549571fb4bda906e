"""Repeat calls merged 并单 or added as follow-ups: local store, outbox, and a real server."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import TicketStatus
from agent_app.core.intake import IntakeState
from agent_app.core.interchange import ticket_to_dict
from agent_app.core.lifecycle import InvalidTransitionError
from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.sync.engine import SyncEngine
from central_api.embedded import start_embedded
from tests.clients import signed_in
from tests.factories import dispatched, make_ticket, recent_morning

# Inside the server's bound for a received time: each note below is refused for its own fault.
RECENT = recent_morning().isoformat()

CALL = IntakeState(caller_phone="13800138000", caller_name="张先生",
                   content="路灯还是不亮，已经第二次反映了", demand="尽快修复",
                   category=("城市管理", "路灯照明"))


@pytest.fixture
def server(tmp_path):
    embedded = start_embedded(f"sqlite:///{tmp_path / 'central.db'}", seed_demo_users=True)
    yield embedded
    embedded.stop()


@pytest.fixture
def engine(tmp_path, server):
    db = open_database(tmp_path / "client.db")
    yield SyncEngine(db, signed_in(server.url))
    db.close()


def open_ticket(engine: SyncEngine):
    target = dispatched(make_ticket("T-OPEN"), "市城市管理局")
    ops.register_ticket(engine.db, target)
    engine.sync_once()
    return target


def call_now(target) -> IntakeState:
    now = target.created_at + timedelta(hours=2)
    return replace(CALL, received_at=now.astimezone(CHINA_TZ).isoformat())


def server_ticket(engine: SyncEngine, ticket_id: str) -> dict:
    page = engine.client.pull(0, limit=1000, epoch=None)
    return next(c["ticket"] for c in page["changes"] if c["id"] == ticket_id)


def test_a_follow_up_note_reaches_the_server_once(engine):
    target = open_ticket(engine)
    now = target.created_at + timedelta(hours=2)
    ops.add_call_as_follow_up(engine.db, call_now(target), "T-OPEN", actor="op01", now=now)
    report = engine.sync_once()
    assert report.pushed == 1 and not report.rejected
    notes = [e for e in server_ticket(engine, "T-OPEN")["events"] if e["kind"] == "note"]
    assert len(notes) == 1 and notes[0]["text"].startswith("路灯还是不亮")
    assert notes[0]["actor"] == "op01"
    with engine.db.unit_of_work() as uow:
        local = uow.tickets.get("T-OPEN")
    assert [e.kind for e in local.events].count("note") == 1  # not doubled by the pull


def test_a_merge_registers_the_call_and_notes_it_on_the_open_ticket(engine):
    target = open_ticket(engine)
    now = target.created_at + timedelta(hours=2)
    merged_id = ops.merge_call_into(engine.db, call_now(target), "T-OPEN", actor="op01",
                                    now=now)
    # The merged call's facts and its merge command, and the open ticket's note.
    assert engine.sync_once().pushed == 3
    merged = server_ticket(engine, merged_id)
    assert merged["status"] == "merged"
    assert merged["events"][-1] == {**merged["events"][-1], "kind": "merged", "into": "T-OPEN"}
    notes = [e for e in server_ticket(engine, "T-OPEN")["events"] if e["kind"] == "note"]
    assert notes[0]["merged_from"] == merged_id


def test_a_call_is_not_linked_to_a_ticket_closed_meanwhile(engine):
    closed = make_ticket("T-CLOSED", status=TicketStatus.CLOSED)
    ops.import_synced_tickets(engine.db, [ticket_to_dict(closed)])
    with pytest.raises(InvalidTransitionError):
        ops.add_call_as_follow_up(engine.db, call_now(closed), "T-CLOSED", actor="op01",
                                  now=closed.created_at)


def test_the_server_refuses_notes_it_cannot_accept(engine):
    open_ticket(engine)
    bad = [
        {"mutation_id": 1, "op": "ticket.note", "entity_id": "T-OPEN",
         "args": {"event": {"id": "e1", "at": RECENT, "kind": "note",
                            "text": ""}}},
        {"mutation_id": 2, "op": "ticket.note", "entity_id": "T-NONE",
         "args": {"event": {"id": "e2", "at": RECENT, "kind": "note",
                            "text": "x"}}},
        {"mutation_id": 3, "op": "ticket.note", "entity_id": "T-OPEN",
         "args": {"event": {"id": "e3", "at": "no time", "kind": "note", "text": "x"}}},
        {"mutation_id": 4, "op": "ticket.note", "entity_id": "T-OPEN",
         "args": {"event": {"id": "e4", "at": RECENT, "kind": "closed",
                            "text": "x"}}},
    ]
    reply = engine.client.push("another-client-0001", bad)
    assert [a["status"] for a in reply["acks"]] == ["rejected"] * 4
    assert all(a["reason"] for a in reply["acks"])
