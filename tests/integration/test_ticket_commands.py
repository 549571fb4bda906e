"""Ticket commands end to end: applied offline on the client, pushed as `ticket.action`,
re-checked by a real central API on loopback, and converging with what the server holds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent_app.core.actions import (
    R_ROLE,
    R_STATE,
    R_TARGET,
    FollowUp,
    TicketCommand,
    merged_from,
    merged_into,
)
from agent_app.core.enums import TicketStatus
from agent_app.core.i18n import translated
from agent_app.core.interchange import ticket_from_dict
from agent_app.core.lifecycle import Action, SideEvent
from agent_app.core.models import Ticket
from agent_app.storage import ops
from agent_app.storage.database import Database, open_database
from agent_app.storage.problems import load_problems
from agent_app.storage.schema import SyncState
from agent_app.sync.engine import SyncEngine, SyncReport
from central_api.embedded import start_embedded
from central_api.simulator import UnitSimulator
from tests.clients import signed_in
from tests.factories import make_ticket

UNIT = "市城市管理局"  # the demo unit account unit-cgj


@pytest.fixture
def server(server_db_url):
    embedded = start_embedded(server_db_url, seed_demo_users=True)
    yield embedded
    embedded.stop()


def client_db(tmp_path, name: str) -> Database:
    return open_database(tmp_path / f"{name}.db")


def now() -> datetime:
    return datetime.now(UTC)


def cmd(ticket_id: str, kind, actor: str, **data) -> TicketCommand:
    return TicketCommand(ticket_id, kind, now(), actor, data)


def local(db: Database, ticket_id: str):
    with db.unit_of_work() as uow:
        return uow.tickets.get(ticket_id), uow.tickets.sync_state(ticket_id)


def on_server(server, ticket_id: str) -> Ticket:
    return ticket_from_dict(signed_in(server.url, "lead01").get(f"/tickets/{ticket_id}")["ticket"])


def test_dispatch_unit_reply_callback_and_close_converge(server, tmp_path):
    db = client_db(tmp_path, "op")
    engine = SyncEngine(db, signed_in(server.url, "op01"))
    ops.register_ticket(db, make_ticket("T-LOOP"))
    engine.sync_once()

    mutation = ops.perform_ticket_command(db, cmd("T-LOOP", Action.DISPATCH, "op01", unit=UNIT))
    assert mutation is not None
    ticket, state = local(db, "T-LOOP")
    assert (ticket.status, ticket.unit, state) == (TicketStatus.DISPATCHED, UNIT,
                                                   SyncState.UNSENT)
    report = engine.sync_once()
    assert (report.pushed, report.rejected, report.conflicts) == (1, [], 0)
    assert local(db, "T-LOOP")[1] is SyncState.SYNCED

    simulator = UnitSimulator(server.server.config.app.state.sessions, return_rate=0)
    assert simulator.step() == f"{UNIT} accept T-LOOP"
    assert simulator.step() == f"{UNIT} reply T-LOOP"
    engine.sync_once()
    replied, _ = local(db, "T-LOOP")
    assert replied.status is TicketStatus.REPLIED and replied.answer

    ops.perform_ticket_commands(db, [
        cmd("T-LOOP", FollowUp.CALLBACK, "op01", result="satisfied",
            process="basically_satisfied"),
        cmd("T-LOOP", Action.CLOSE, "op01")])
    report = engine.sync_once()
    assert (report.pushed, report.rejected, report.conflicts) == (2, [], 0)
    closed, state = local(db, "T-LOOP")
    assert (closed.status, state) == (TicketStatus.CLOSED, SyncState.SYNCED)
    assert closed == on_server(server, "T-LOOP")
    assert [e.kind for e in closed.events] == [
        "registered", "dispatched", "accepted", "replied", "callback", "closed"]
    assert [e.actor for e in closed.events][-2:] == ["op01", "op01"]


def test_a_unit_reply_through_its_endpoint_then_a_lead_redo(server, tmp_path):
    db = client_db(tmp_path, "lead")
    engine = SyncEngine(db, signed_in(server.url, "lead01"))
    ops.register_ticket(db, make_ticket("T-REDO"))
    ops.perform_ticket_command(db, cmd("T-REDO", Action.DISPATCH, "lead01", unit=UNIT))
    engine.sync_once()
    unit = signed_in(server.url, "unit-cgj")
    unit.post("/unit/tickets/T-REDO/accept")
    unit.post("/unit/tickets/T-REDO/reply", {"text": "已按规定处理。"})
    engine.sync_once()

    ops.perform_ticket_command(db, cmd("T-REDO", Action.REDO, "lead01",
                                       reason="答复内容空泛，未说明处理结果"))
    report = engine.sync_once()
    assert (report.rejected, report.conflicts) == ([], 0)
    redone, _ = local(db, "T-REDO")
    assert (redone.status, redone.redo_count) == (TicketStatus.DISPATCHED, 1)
    assert redone == on_server(server, "T-REDO")
    assert [t["id"] for t in unit.get("/unit/tickets")] == ["T-REDO"]  # back with the unit


def test_merge_keeps_both_histories_on_both_sides(server, tmp_path):
    db = client_db(tmp_path, "op")
    engine = SyncEngine(db, signed_in(server.url, "op01"))
    ops.register_ticket(db, make_ticket("T-OPEN"))
    ops.register_ticket(db, make_ticket("T-AGAIN", phone="13900000000"))
    ops.perform_ticket_command(db, cmd("T-OPEN", Action.DISPATCH, "op01", unit=UNIT))
    engine.sync_once()

    ops.perform_ticket_commands(db, [
        cmd("T-AGAIN", Action.MERGE, "op01", into="T-OPEN"),
        cmd("T-OPEN", SideEvent.NOTE, "op01", text="重复来电，已并单", merged_from="T-AGAIN")])
    report = engine.sync_once()
    assert (report.pushed, report.rejected, report.conflicts) == (2, [], 0)
    source, target = on_server(server, "T-AGAIN"), on_server(server, "T-OPEN")
    assert source.status is TicketStatus.MERGED and target.status is TicketStatus.DISPATCHED
    merged, _ = local(db, "T-AGAIN")
    opened, _ = local(db, "T-OPEN")
    assert merged_into(merged) == "T-OPEN" and merged_from(opened) == ["T-AGAIN"]
    assert merged == source and opened == target


def test_a_merge_into_a_closed_ticket_is_refused_with_the_reason(server, tmp_path):
    db = client_db(tmp_path, "op")
    engine = SyncEngine(db, signed_in(server.url, "op01"))
    ops.register_ticket(db, make_ticket("T-A"))
    ops.register_ticket(db, make_ticket("T-B"))
    engine.sync_once()
    # The server has never heard of T-GONE: the client's own check is bypassed by pushing
    # the command directly, as a client with a stale cache would.
    with db.unit_of_work() as uow:
        uow.outbox.add(ops.OP_TICKET_ACTION, "T-A",
                       cmd("T-A", Action.MERGE, "op01", into="T-GONE").to_dict())
        uow.commit()
    report = engine.sync_once()
    assert [reason for _id, reason in report.rejected] == [translated(R_TARGET)]
    assert on_server(server, "T-A").status is TicketStatus.REGISTERED


def test_a_role_the_server_refuses_is_undone_locally_and_explained(server, tmp_path):
    db = client_db(tmp_path, "op")
    engine = SyncEngine(db, signed_in(server.url, "op01"))
    ops.register_ticket(db, make_ticket("T-SUP"))
    ops.perform_ticket_command(db, cmd("T-SUP", Action.DISPATCH, "op01", unit=UNIT))
    engine.sync_once()
    before, _ = local(db, "T-SUP")

    # Supervision is a lead's; an operator's client that offered it anyway is refused.
    ops.perform_ticket_command(db, cmd("T-SUP", SideEvent.SUPERVISION, "op01",
                                       level="reminder", notice="请尽快办理"))
    assert local(db, "T-SUP")[0].supervision_level is not None
    report = engine.sync_once()
    assert [reason for _id, reason in report.rejected] == [translated(R_ROLE)]
    after, state = local(db, "T-SUP")
    assert after == before  # the refused event and field change are gone
    assert state is SyncState.CONFLICT
    problems = load_problems(db)
    assert [(r.op, r.entity_id, r.reason) for r in problems.rejections] == [
        ("ticket.action", "T-SUP", translated(R_ROLE))]


def test_two_operators_close_the_same_ticket_and_the_second_learns_why(server, tmp_path):
    first_db, second_db = client_db(tmp_path, "op1"), client_db(tmp_path, "op2")
    first = SyncEngine(first_db, signed_in(server.url, "op01"))
    second = SyncEngine(second_db, signed_in(server.url, "op02"))
    ops.register_ticket(first_db, make_ticket("T-TWICE"))
    ops.perform_ticket_command(first_db, cmd("T-TWICE", Action.DISPATCH, "op01", unit=UNIT))
    first.sync_once()
    simulator = UnitSimulator(server.server.config.app.state.sessions, return_rate=0)
    simulator.step()
    simulator.step()
    first.sync_once()
    second.sync_once()

    for db, who, rating in ((first_db, "op01", "satisfied"), (second_db, "op02",
                                                              "basically_satisfied")):
        ops.perform_ticket_commands(db, [
            cmd("T-TWICE", FollowUp.CALLBACK, who, result=rating, process=rating),
            cmd("T-TWICE", Action.CLOSE, who)])
    first.sync_once()
    report = second.sync_once()
    assert [reason for _id, reason in report.rejected] == [translated(R_STATE)] * 2
    theirs, state = local(second_db, "T-TWICE")
    assert theirs == on_server(server, "T-TWICE")
    assert theirs.events[-2].actor == "op01" and theirs.events[-2].data["result"] == "satisfied"
    # The pull brought op01's close, so the row is in step; the refusals stay to be read.
    assert state is SyncState.SYNCED
    assert [r.reason for r in load_problems(second_db).rejections] == [translated(R_STATE)] * 2


def test_a_pending_command_is_replayed_on_what_the_pull_brings(server, tmp_path):
    db = client_db(tmp_path, "op")
    engine = SyncEngine(db, signed_in(server.url, "op01"))
    ops.register_ticket(db, make_ticket("T-RACE"))
    ops.perform_ticket_command(db, cmd("T-RACE", Action.DISPATCH, "op01", unit=UNIT))
    engine.sync_once()
    signed_in(server.url, "unit-cgj").post("/unit/tickets/T-RACE/accept")

    # A note made while the unit's acceptance is on its way: pulled before it is pushed.
    ops.perform_ticket_command(db, cmd("T-RACE", SideEvent.NOTE, "op01", text="来电人补充地址"))
    pulled = SyncReport()
    engine.pull(pulled, lambda _progress: None)
    assert (pulled.pulled, pulled.conflicts) == (1, 0)
    ticket, state = local(db, "T-RACE")
    assert ticket.status is TicketStatus.ACCEPTED and ticket.events[-1].kind == "note"
    assert state is SyncState.UNSENT
    final = engine.sync_once()
    assert (final.pushed, final.rejected, final.conflicts) == (1, [], 0)
    assert local(db, "T-RACE")[0] == on_server(server, "T-RACE")


def test_split_creates_the_new_ticket_and_records_it_on_the_source(server, tmp_path):
    db = client_db(tmp_path, "lead")
    engine = SyncEngine(db, signed_in(server.url, "lead01"))
    ops.register_ticket(db, make_ticket("T-BOTH"))
    engine.sync_once()
    new_id = ops.split_ticket(db, "T-BOTH", new_id="T-PART", content="另反映小区垃圾未清运",
                              demand="希望及时清运", reason="一次来电反映两件事",
                              actor="lead01", now=now())
    report = engine.sync_once()
    assert (report.pushed, report.rejected, report.conflicts) == (2, [], 0)
    part, source = on_server(server, new_id), on_server(server, "T-BOTH")
    assert part.status is TicketStatus.REGISTERED and part.events[0].data == {
        "split_from": "T-BOTH"}
    assert source.events[-1].kind == "split" and source.events[-1].data["to"] == "T-PART"
    assert local(db, "T-PART")[0] == part and local(db, "T-BOTH")[0] == source
