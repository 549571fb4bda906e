"""Every operation returns what it changed (OpChanges), recorded from what its units of work
committed to a real SQLite cache — and a sync against a real central API on loopback says
which tickets it stored, acknowledged or deleted."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from agent_app.core.actions import CommandRefusedError, TicketCommand
from agent_app.core.changes import OpChanges, Topic
from agent_app.core.enums import TicketStatus
from agent_app.core.intake import IntakeState
from agent_app.core.lifecycle import Action, SideEvent
from agent_app.storage import ops
from agent_app.storage.changes import committed_before
from agent_app.storage.database import Database, open_database
from agent_app.storage.reference import load_reference, store_reference
from agent_app.storage.schema import SyncState, TicketEventRow, TicketRow
from agent_app.sync.engine import SyncEngine
from central_api.embedded import start_embedded
from tests.clients import signed_in
from tests.factories import make_ticket, recent_morning

NOW = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path):
    database = open_database(tmp_path / "agent.db")
    yield database
    database.close()


def recorded(db: Database, op, *args, **kwargs) -> OpChanges:
    return db.run_op(op, *args, **kwargs).changes


def note(ticket_id: str, text: str = "来电人补充地址", *, at: datetime = NOW) -> TicketCommand:
    return TicketCommand(ticket_id, SideEvent.NOTE, at, "op01", {"text": text})


def test_each_op_says_which_topics_and_tickets_it_wrote(db):
    ops.autosave_draft(db, "draft-1", "intake", {"caller_phone": "13800000000"})
    assert recorded(db, ops.register_ticket, make_ticket("T-1"), draft_id="draft-1") \
        == OpChanges.of(Topic.TICKETS, Topic.OUTBOX, Topic.DRAFTS, ticket_ids={"T-1"})
    # The form's autosave announces itself like any other change: drafts, nothing else.
    assert recorded(db, ops.autosave_draft, "draft-2", "intake", {"caller_name": "张"}) \
        == OpChanges.of(Topic.DRAFTS)
    assert recorded(db, ops.discard_draft, "draft-2") == OpChanges.of(Topic.DRAFTS)
    assert recorded(db, ops.perform_ticket_command, note("T-1")) \
        == OpChanges.of(Topic.TICKETS, Topic.OUTBOX, ticket_ids={"T-1"})
    split = recorded(db, ops.split_ticket, "T-1", new_id="T-2", content="另一件事",
                     demand="一并处理", reason="两件事", actor="op01", now=NOW)
    assert split == OpChanges.of(Topic.TICKETS, Topic.OUTBOX, ticket_ids={"T-1", "T-2"})
    assert recorded(db, ops.report_kb_error, "gjj-1", "电话已改") == OpChanges.of(Topic.OUTBOX)
    assert recorded(db, ops.import_kb_articles, [{
        "id": "gjj-1", "title": "公积金提取", "body": "携带身份证办理。", "category": "政务服务",
        "unit": "市住房公积金管理中心", "updated_at": "2026-11-01T00:00:00+00:00"}]) \
        == OpChanges.of(Topic.KB)
    # Reading changes nothing.
    assert recorded(db, ops.load_overview, NOW) == OpChanges()
    assert recorded(db, ops.latest_draft, "intake") == OpChanges()


def test_a_follow_up_call_names_the_open_ticket(db):
    ops.register_ticket(db, make_ticket("T-OPEN"))
    state = IntakeState(caller_phone="13800000000", caller_name="张先生", content="又打来问进度",
                        received_at=NOW.isoformat())
    changes = recorded(db, ops.add_call_as_follow_up, state, "T-OPEN", actor="op01", now=NOW)
    assert changes == OpChanges.of(Topic.TICKETS, Topic.OUTBOX, ticket_ids={"T-OPEN"})


def test_a_refused_or_failed_op_changes_nothing(db):
    ops.register_ticket(db, make_ticket("T-1", status=TicketStatus.REGISTERED))
    with db.recording() as recording, pytest.raises(CommandRefusedError):
        ops.perform_ticket_command(db, TicketCommand("T-1", Action.ACCEPT, NOW, "op01", {}))
    assert recording.changes == OpChanges()
    with db.recording() as recording, pytest.raises(LookupError):
        ops.perform_ticket_command(db, note("T-NOWHERE"))
    assert recording.changes == OpChanges()


def test_run_op_gives_the_caller_the_ops_result_and_its_changes(db):
    ops.register_ticket(db, make_ticket("T-1"))
    ops.autosave_draft(db, "draft-1", "intake", {"caller_name": "张"})
    read = db.run_op(ops.latest_draft, "intake")
    assert read.value == ("draft-1", {"caller_name": "张"}) and read.changes == OpChanges()
    noted = db.run_op(ops.perform_ticket_command, note("T-1"))
    assert noted.changes == OpChanges.of(Topic.TICKETS, Topic.OUTBOX, ticket_ids={"T-1"})
    again = db.run_op(ops.perform_ticket_command, note("T-1", "来电人再次补充"))
    # The op's own result: the mutation id each note was queued under.
    assert isinstance(noted.value, int) and isinstance(again.value, int)
    assert again.value > noted.value


def test_run_op_adds_what_an_op_says_it_changed_itself(db):
    class Report:  # as a sync's report: changes no session of this cache recorded
        changes = OpChanges.of(Topic.SYNC)

    def op(database: Database) -> Report:
        ops.autosave_draft(database, "d", "intake", {})
        return Report()

    assert db.run_op(op).changes == OpChanges.of(Topic.SYNC, Topic.DRAFTS)


def test_a_failing_op_raises_as_it_was_and_keeps_what_it_committed_before(db):
    def op(database: Database) -> None:
        ops.autosave_draft(database, "d", "intake", {})
        ops.perform_ticket_command(database, note("T-NOWHERE"))

    with pytest.raises(LookupError) as raised:
        db.run_op(op)
    assert committed_before(raised.value) == OpChanges.of(Topic.DRAFTS)
    assert committed_before(LookupError("not from run_op")) == OpChanges()


def test_nothing_is_recorded_outside_a_recording_and_recordings_nest(db):
    ops.register_ticket(db, make_ticket("T-1"))  # no recording open: nothing kept anywhere
    with db.recording() as outer:
        ops.autosave_draft(db, "d", "intake", {})
        with db.recording() as inner:
            ops.perform_ticket_command(db, note("T-1"))
    assert inner.changes == OpChanges.of(Topic.TICKETS, Topic.OUTBOX, ticket_ids={"T-1"})
    assert outer.changes == OpChanges.of(Topic.TICKETS, Topic.OUTBOX, Topic.DRAFTS,
                                         ticket_ids={"T-1"})


def test_statements_over_every_ticket_say_any_ticket(db):
    ops.register_ticket(db, make_ticket("T-1"))
    with db.recording() as recording, db.unit_of_work() as uow:
        uow.tickets.forget_server_versions()
        uow.commit()
    assert recording.changes.touches(Topic.TICKETS) and recording.changes.ticket_ids is None
    with db.recording() as recording, db.unit_of_work() as uow:
        uow.tickets.delete("T-1")
        uow.commit()
    assert recording.changes == OpChanges.of(Topic.TICKETS, ticket_ids={"T-1"})


def test_reference_data_is_a_change_only_when_a_document_differs(db):
    assert load_reference(db).calendar.is_workday(date(2026, 12, 31))
    stored = {"calendar_overrides": [{"date": "2026-12-31", "workday": False, "note": "调休"}]}
    first = recorded(db, store_reference, stored, NOW.isoformat())
    assert first == OpChanges.of(Topic.REFERENCE)
    # A refresh that brings the same documents moves only the fetch time.
    assert recorded(db, store_reference, stored, NOW.isoformat()) == OpChanges()
    assert not load_reference(db).calendar.is_workday(date(2026, 12, 31))


# A sync against a real server ------------------------------------------------------------
@pytest.fixture
def server(server_db_url):
    embedded = start_embedded(server_db_url, seed_demo_users=True)
    yield embedded
    embedded.stop()


def test_a_sync_returns_the_tickets_it_pushed_pulled_and_deleted(tmp_path, server):
    first = SyncEngine(open_database(tmp_path / "a.db"), signed_in(server.url, "op01"))
    second = SyncEngine(open_database(tmp_path / "b.db"), signed_in(server.url, "op02"))
    try:
        for n in range(3):
            ops.register_ticket(first.db, make_ticket(f"T-{n}"))
        pushed = first.sync_once()
        assert pushed.pushed == 3  # one mutation each: the facts
        assert pushed.changes.touches(Topic.SYNC, Topic.OUTBOX, Topic.TICKETS)
        assert pushed.changes.ticket_ids == {"T-0", "T-1", "T-2"}

        pulled = second.sync_once()
        assert pulled.pulled == 3 and pulled.changes.ticket_ids == {"T-0", "T-1", "T-2"}
        quiet = second.sync_once()
        # Nothing came: only the time of the last sync moved.
        assert quiet.changes == OpChanges.of(Topic.SYNC)

        # A time the server accepts whenever the suite runs (within wire.MAX_RECEIVED_AGE).
        ops.perform_ticket_command(first.db, note("T-1", at=recent_morning() + timedelta(hours=1)))
        first.sync_once()
        signed_in(server.url, "admin").delete("/tickets/T-2")
        after = second.sync_once()
        assert after.changes.ticket_ids == {"T-1", "T-2"}
        with second.db.unit_of_work() as uow:
            assert uow.tickets.get("T-2") is None
    finally:
        first.db.close()
        second.db.close()


# The recorded ids cover every ticket whose stored state changed -------------------------
def snapshot(db: Database) -> dict[str, tuple[object, ...]]:
    with db.unit_of_work() as uow:
        rows = {row.id: (row.status, row.sync_state, row.server_version, row.unit,
                         row.deadline)
                for row in uow.session.scalars(select(TicketRow))}
        for event in uow.session.scalars(select(TicketEventRow)):
            rows[event.ticket_id] = (*rows[event.ticket_id], event.id, event.kind,
                                     json.dumps(event.data if isinstance(event.data, dict)
                                                else str(event.data)))
    return rows


STEPS = st.lists(st.tuples(st.sampled_from(["register", "note", "accept", "delete",
                                            "state", "draft"]),
                           st.integers(min_value=0, max_value=4)), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_every_changed_ticket_is_named(tmp_path_factory, steps):
    db = open_database(tmp_path_factory.mktemp("cache") / "agent.db")
    try:
        for op, n in steps:
            ticket_id = f"T-{n}"
            before = snapshot(db)
            with db.recording() as recording:
                try:
                    if op == "register":
                        ops.register_ticket(db, make_ticket(ticket_id))
                    elif op == "note":
                        ops.perform_ticket_command(db, note(ticket_id, f"第{len(before)}次"))
                    elif op == "accept":
                        ops.perform_ticket_command(
                            db, TicketCommand(ticket_id, Action.ACCEPT, NOW, "op01", {}))
                    elif op == "delete":
                        with db.unit_of_work() as uow:
                            uow.tickets.delete(ticket_id)
                            uow.commit()
                    elif op == "state":
                        with db.unit_of_work() as uow:
                            uow.tickets.set_sync_state(ticket_id, SyncState.SYNCED, 7)
                            uow.commit()
                    else:
                        ops.autosave_draft(db, ticket_id, "intake", {"n": n})
                except (LookupError, CommandRefusedError, ValueError):
                    pass  # refused or already there: nothing committed
                except Exception as exc:  # a duplicate id on register
                    if "UNIQUE" not in str(exc):
                        raise
            after = snapshot(db)
            changed = {i for i in before.keys() | after.keys() if before.get(i) != after.get(i)}
            changes = recording.changes
            if changed:
                assert changes.touches(Topic.TICKETS)
                assert changes.ticket_ids is None or changed <= changes.ticket_ids
            if not changes.touches(Topic.TICKETS):
                assert not changed
    finally:
        db.close()


def test_a_pull_whose_writes_were_not_seen_says_any_ticket(tmp_path, server, monkeypatch):
    from contextlib import contextmanager

    from agent_app.storage.changes import Recording

    source = SyncEngine(open_database(tmp_path / "a.db"), signed_in(server.url, "op01"))
    reader = SyncEngine(open_database(tmp_path / "b.db"), signed_in(server.url, "op02"))
    try:
        ops.register_ticket(source.db, make_ticket("T-1"))
        source.sync_once()

        @contextmanager
        def blind():  # as if a pull worker of its own wrote the pages
            yield Recording()

        monkeypatch.setattr(reader.db, "recording", blind)
        report = reader.sync_once()
        assert report.pulled == 1
        assert report.changes.touches(Topic.TICKETS, Topic.SYNC)
        assert report.changes.ticket_ids is None
    finally:
        source.db.close()
        reader.db.close()
