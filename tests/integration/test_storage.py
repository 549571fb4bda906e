import json
import sqlite3
import time
from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from agent_app.storage import ops
from agent_app.storage.database import (
    CorruptDatabaseError,
    head_revision,
    move_aside,
    open_database,
)
from agent_app.storage.schema import Base, SyncState, modelled_by_sqlalchemy
from tests.factories import make_ticket


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "agent.db")
    yield database
    database.close()


def test_a_new_database_is_at_head_in_wal_mode_with_full_sync(db):
    assert db.current_revision() == head_revision()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_the_migrations_build_exactly_the_models(db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": modelled_by_sqlalchemy})
        diffs = compare_metadata(context, Base.metadata)
    assert diffs == []


def test_the_cheap_head_lookup_agrees_with_alembic():
    from alembic.script import ScriptDirectory

    from agent_app.storage.database import alembic_config

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_client_id_is_made_once_and_kept(tmp_path):
    first = open_database(tmp_path / "agent.db")
    client_id = first.client_id()
    first.close()
    again = open_database(tmp_path / "agent.db")
    assert again.client_id() == client_id
    again.close()


def test_registering_writes_ticket_events_and_outbox_together(db):
    ticket = make_ticket(events=2)
    mutation_id = ops.register_ticket(db, ticket)
    with db.unit_of_work() as uow:
        assert uow.tickets.get(ticket.id) == ticket
        assert uow.tickets.sync_state(ticket.id) is SyncState.UNSENT
        create, note = uow.outbox.pending(10)
    # The facts of the call, then the note the intake added, as a command.
    assert create.op == "ticket.create" and json.loads(create.args)["content"] == ticket.content
    assert "status" not in json.loads(create.args)
    assert note.mutation_id == mutation_id and note.op == "ticket.action"
    assert json.loads(note.args)["kind"] == "note"


def test_a_failed_action_leaves_neither_ticket_nor_mutation(db):
    ops.register_ticket(db, make_ticket("T-1"))
    with pytest.raises(IntegrityError):
        ops.register_ticket(db, make_ticket("T-1"))  # same id: the whole UoW must roll back
    with db.unit_of_work() as uow:
        assert uow.tickets.count() == 1
        assert uow.outbox.pending_count() == 1


def test_leaving_a_unit_of_work_without_commit_discards_it(db):
    with db.unit_of_work() as uow:
        uow.tickets.add(make_ticket("T-2"), sync_state=SyncState.UNSENT)
        uow.outbox.add("ticket.create", "T-2", {})
    assert ops.load_overview(db, datetime.now().astimezone()).tickets == 0


def test_mutation_ids_increase_and_are_never_reused(db):
    ids = [ops.register_ticket(db, make_ticket(f"T-{n}")) for n in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM outbox")
    assert ops.register_ticket(db, make_ticket("T-9")) > ids[-1]


def test_drafts_are_saved_replaced_offered_back_and_discarded_on_submit(db):
    ops.autosave_draft(db, "d1", "intake", {"content": "路灯"})
    ops.autosave_draft(db, "d1", "intake", {"content": "路灯不亮"})
    assert ops.latest_draft(db, "intake") == ("d1", {"content": "路灯不亮"})
    ops.register_ticket(db, make_ticket(), draft_id="d1")
    assert ops.latest_draft(db, "intake") is None


def test_overview_counts(db):
    ops.register_ticket(db, make_ticket("T-1"))
    ops.import_synced_tickets(db, [])
    ops.autosave_draft(db, "d1", "intake", {})
    overview = ops.load_overview(db, datetime.now().astimezone())
    assert overview.tickets == 1 and overview.unsent == 1 and overview.drafts == 1


def test_a_file_that_is_not_sqlite_is_refused_and_not_touched(tmp_path):
    path = tmp_path / "agent.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(CorruptDatabaseError) as info:
        open_database(path)
    assert "not an SQLite database" in info.value.reason
    assert path.read_bytes().startswith(b"this is not")


def test_a_damaged_database_is_detected(tmp_path):
    path = tmp_path / "agent.db"
    db = open_database(path)
    ops.import_synced_tickets(db, [])
    for n in range(200):
        ops.register_ticket(db, make_ticket(f"T-{n}"))
    db.close()
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 2, len(data), 4096):  # scribble over every page after the first
        data[offset + 100: offset + 400] = b"\xff" * 300
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabaseError):
        open_database(path)


def test_moving_aside_keeps_the_file_and_a_fresh_one_can_be_made(tmp_path):
    path = tmp_path / "agent.db"
    path.write_bytes(b"garbage" * 10)
    kept = move_aside(path, datetime(2026, 11, 23, 9, 0))
    assert kept.read_bytes() == b"garbage" * 10 and not path.exists()
    fresh = open_database(path)
    assert fresh.current_revision() == head_revision()
    fresh.close()


def test_upgrading_a_first_release_database_keeps_every_row(tmp_path):
    path = tmp_path / "agent.db"
    old = open_database(path, migrate_to="0001")
    old.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=ON")
    columns = ("id, created_at, channel, appeal_type, urgency, status, category_l1, "
               "category_l2, caller_name, caller_phone, caller_gender, phone_withheld, "
               "confidential, callback_permitted, district, street, community, address, "
               "content, demand, unit, deadline, redo_count, answer, supervision_level, "
               "updated_at")
    for n in range(50):
        conn.execute(
            f"INSERT INTO tickets ({columns}) VALUES (?, '2026-11-20T02:00:00.000000Z', "
            "'phone_12345', 'complaint', 'normal', 'dispatched', '城市管理', '路灯照明', "
            "'张先生', '13800000000', 'male', 0, 0, 1, '卫东区', '五一路街道', '五一路社区', "
            "'五一路', '路灯不亮', '修复', '卫东区城管局', NULL, 0, NULL, NULL, "
            "'2026-11-20T02:00:00.000000Z')", (f"OLD-{n}",))
        conn.execute("INSERT INTO ticket_events VALUES (?, ?, '2026-11-20T02:00:00.000000Z', "
                     "'dispatched', 'op01', '{}')", (f"ev-{n}", f"OLD-{n}"))
    conn.execute("INSERT INTO outbox (op, entity_id, args, created_at, state) VALUES "
                 "('ticket.create', 'OLD-1', '{}', '2026-11-20T02:00:00.000000Z', 'pending')")
    conn.commit()
    conn.close()

    upgraded = open_database(path)
    assert upgraded.current_revision() == head_revision()
    with upgraded.unit_of_work() as uow:
        assert uow.tickets.count() == 50
        ticket = uow.tickets.get("OLD-7")
        assert ticket is not None and ticket.content == "路灯不亮"
        assert [e.id for e in ticket.events] == ["ev-7"]
        assert uow.tickets.sync_state("OLD-7") is SyncState.UNSENT
        assert uow.outbox.pending_count() == 1
    upgraded.close()
    assert (tmp_path / "agent.db.pre-upgrade-0001").exists()


def _quick_checks(monkeypatch) -> list[Path]:
    """The files `open_database` runs SQLite's quick check on."""
    from agent_app.storage import database

    checked: list[Path] = []
    real = database.check_file

    def check_file(path, key=None, *, quick_check=True):
        if quick_check:
            checked.append(path)
        real(path, key, quick_check=quick_check)

    monkeypatch.setattr(database, "check_file", check_file)
    return checked


def test_the_quick_check_waits_after_a_clean_close_and_comes_back_after_anything_else(
        tmp_path, monkeypatch):
    from agent_app.storage import database

    checked = _quick_checks(monkeypatch)
    path = tmp_path / "agent.db"
    db = open_database(path)
    ops.register_ticket(db, make_ticket("T-1"))
    db.close()
    checked.clear()
    db = open_database(path)  # closed cleanly, untouched since: no check
    assert checked == []
    with db.unit_of_work() as uow:
        assert uow.tickets.get("T-1") is not None
    # Not closed (a crash, a kill): the next start checks.
    again = open_database(path)
    assert checked == [path]
    # Closed while another connection holds the file: that is no clean close of the file.
    db.close()
    checked.clear()
    third = open_database(path)
    assert checked == [path]
    third.close()
    again.close()  # the last one out, cleanly
    checked.clear()
    open_database(path).close()
    assert checked == []
    # Changed by anything else after a clean close: checked.
    checked.clear()
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE put_there_by_another_program (x)")
    other.close()
    open_database(path).close()
    assert checked == [path]
    # A week after the last check, however cleanly it was closed.
    checked.clear()
    week_later = time.time() + database.QUICK_CHECK_AT_LEAST_EVERY_S + 1
    monkeypatch.setattr(database.time, "time", lambda: week_later)
    open_database(path).close()
    assert checked == [path]
