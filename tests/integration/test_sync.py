"""Client sync engine against a real central API on loopback and real SQLite files."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from agent_app.core.i18n import translated
from agent_app.core.wire import W_EXISTS, W_NOT_LOST
from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.storage.schema import OutboxRow, SyncState
from agent_app.sync.client import ApiError, CentralClient
from agent_app.sync.engine import SyncCancelledError, SyncEngine, SyncGapError
from central_api.embedded import start_embedded
from central_api.epochs import start_new_epoch
from tests.factories import make_ticket


@pytest.fixture
def server(server_db_url):
    embedded = start_embedded(server_db_url, seed_demo_users=True)
    yield embedded
    embedded.stop()


def signed_in_client(url: str, username: str = "op01") -> CentralClient:
    client = CentralClient(url, retries=1, backoff=0.01)
    client.token = client.login(username, "demo").token
    return client


@pytest.fixture
def make_engine(tmp_path, server):
    made = []

    def make(name: str = "a", username: str = "op01", **kwargs) -> SyncEngine:
        db = open_database(tmp_path / f"{name}.db")
        engine = SyncEngine(db, signed_in_client(server.url, username), **kwargs)
        made.append(db)
        return engine

    yield make
    for db in made:
        db.close()


def local_state(engine: SyncEngine, ticket_id: str) -> SyncState | None:
    with engine.db.unit_of_work() as uow:
        return uow.tickets.sync_state(ticket_id)


def test_local_tickets_reach_the_server_once_and_come_back_to_other_clients(make_engine):
    first, second = make_engine("a", "op01"), make_engine("b", "op02")
    for n in range(5):
        ops.register_ticket(first.db, make_ticket(f"T-{n}", events=2))
    report = first.sync_once()
    # Each ticket is its facts and one note command: two mutations.
    assert report.pushed == 10 and report.pulled == 5 and not report.rejected
    assert local_state(first, "T-3") is SyncState.SYNCED
    assert ops.load_overview(first.db, make_ticket().created_at).unsent == 0

    again = first.sync_once()
    assert again.pushed == 0 and again.pulled == 0

    pulled = second.sync_once()
    assert pulled.pulled == 5
    with second.db.unit_of_work() as uow:
        ticket = uow.tickets.get("T-3")
        assert ticket is not None and len(ticket.events) == 2


def test_a_replayed_push_is_acknowledged_as_duplicate_and_not_applied_twice(make_engine):
    engine, observer = make_engine("a"), make_engine("b", "op02")
    for n in range(3):
        ops.register_ticket(engine.db, make_ticket(f"T-{n}"))
    # Applied by the server, but the reply never reached the client.
    engine.client.push(engine.db.client_id(), pending_mutations(engine))
    report = engine.sync_once()
    assert report.duplicates == 3 and report.pushed == 0
    assert observer.sync_once().pulled == 3


def test_a_rejected_mutation_is_kept_with_its_reason_and_does_not_block_the_rest(make_engine):
    other, engine = make_engine("other", "op02"), make_engine("a", "op01")
    ops.register_ticket(other.db, make_ticket("SAME-ID"))
    other.sync_once()
    mine = replace(make_ticket("SAME-ID"), content="另一位话务员登记的不同内容，编号冲突。")
    ops.register_ticket(engine.db, mine)
    ops.register_ticket(engine.db, make_ticket("T-after"))
    report = engine.sync_once()
    assert [reason for _, reason in report.rejected] == [translated(W_EXISTS)]
    assert report.pushed == 1 and report.conflicts == 1
    with engine.db.unit_of_work() as uow:
        assert uow.outbox.pending_count() == 0 and uow.outbox.rejected_count() == 1
        assert uow.conflicts.open_count() == 1
        stored = uow.tickets.get("SAME-ID")
        assert stored is not None and stored.content == make_ticket().content  # server won
    assert local_state(engine, "T-after") is SyncState.SYNCED
    assert engine.sync_once().rejected == []  # never retried


def test_a_gap_in_the_outbox_stops_the_batch(make_engine):
    engine = make_engine("a")
    for n in range(3):
        ops.register_ticket(engine.db, make_ticket(f"T-{n}"))
    with engine.db.unit_of_work() as uow:
        uow.session.delete(uow.session.get(OutboxRow, 1))  # as if the first mutation was lost
        uow.commit()
    with pytest.raises(SyncGapError):
        engine.sync_once()
    with engine.db.unit_of_work() as uow:
        assert uow.outbox.pending_count() == 2  # nothing acknowledged that was not applied


def test_pages_resume_after_cancel_and_the_cursor_commits_with_each_page(make_engine):
    source = make_engine("a", "op01", push_batch=100)
    for n in range(250):
        ops.register_ticket(source.db, make_ticket(f"T-{n:04d}"))
    source.sync_once()

    reader = make_engine("b", "op02", page_size=100)
    pages = []

    def cancel_after_two_pages() -> bool:
        return len(pages) >= 2

    with pytest.raises(SyncCancelledError):
        reader.sync_once(progress=lambda p: pages.append(p) if p.phase == "pull" else None,
                         cancel=cancel_after_two_pages)
    assert ops.load_overview(reader.db, make_ticket().created_at).tickets == 200
    report = reader.sync_once()
    assert report.pulled == 50
    assert ops.load_overview(reader.db, make_ticket().created_at).tickets == 250


def test_an_epoch_change_means_a_full_resync_that_keeps_unsent_work(tmp_path, make_engine):
    engine = make_engine("a")
    ops.register_ticket(engine.db, make_ticket("SENT"))
    [first_mutation] = pending_mutations(engine)
    engine.sync_once()
    ops.register_ticket(engine.db, make_ticket("UNSENT"))

    # The centre restored its database from a backup taken after our first push and rotated
    # the epoch: same data up to that point, but our cursor no longer means anything there.
    restored = start_embedded(f"sqlite:///{tmp_path / 'restored.db'}", seed_demo_users=True)
    try:
        engine.client = signed_in_client(restored.url)
        engine.client.push(engine.db.client_id(), [first_mutation])
        report = engine.sync_once()
        assert report.resynced and report.pushed == 1 and report.pulled == 2
        assert local_state(engine, "SENT") is SyncState.SYNCED
        assert local_state(engine, "UNSENT") is SyncState.SYNCED
    finally:
        restored.stop()


def _backup(source_url: str, target: Path) -> str:
    """A copy of a SQLite server database, as a backup tool takes it while the server runs."""
    source = sqlite3.connect(make_url(source_url).database)
    copy = sqlite3.connect(target)
    source.backup(copy)
    copy.close()
    source.close()
    return f"sqlite:///{target}"


def test_a_server_restored_from_a_backup_gets_back_what_it_lost_not_silent_loss(tmp_path):
    original = start_embedded(f"sqlite:///{tmp_path / 'central.db'}", seed_demo_users=True)
    db = open_database(tmp_path / "a.db")
    engine = SyncEngine(db, signed_in_client(original.url))
    try:
        engine.sync_once()  # the backup below is of a server this client already synced with
        backup = _backup(f"sqlite:///{tmp_path / 'central.db'}", tmp_path / "backup.db")
        ops.register_ticket(engine.db, make_ticket("SENT"))
        engine.sync_once()
    finally:
        original.stop()
    ops.register_ticket(engine.db, make_ticket("UNSENT"))
    # IT restores the backup (from before our ticket went out) and starts a new epoch: the
    # client resyncs, its ids go on where they were, and what the server lost goes back.
    restored = start_embedded(backup, seed_demo_users=True)
    try:
        with restored.server.config.app.state.sessions() as session:
            start_new_epoch(session)
        engine.client = signed_in_client(restored.url)
        report = engine.sync_once()
        assert report.resynced and report.recovered == 1 and not report.rejected
        assert local_state(engine, "SENT") is local_state(engine, "UNSENT") is SyncState.SYNCED
        on_server = [c["id"] for c in engine.client.pull(0, limit=10, epoch=None)["changes"]]
        assert sorted(on_server) == ["SENT", "UNSENT"]
    finally:
        restored.stop()
        db.close()


def test_a_server_that_never_had_a_ticket_refuses_it_as_a_recovery(tmp_path, make_engine):
    engine = make_engine("a")
    ops.register_ticket(engine.db, make_ticket("SENT"))
    engine.sync_once()
    # Another, unrelated database put in service: nothing proves it lost the ticket, so the
    # ticket is not taken on the client's word; the refusal is kept for the lead to see.
    other = start_embedded(f"sqlite:///{tmp_path / 'other.db'}", seed_demo_users=True)
    try:
        engine.client = signed_in_client(other.url)
        report = engine.sync_once()
        assert report.resynced and report.recovered == 1
        assert [reason for _id, reason in report.rejected] == [translated(W_NOT_LOST)]
        assert engine.client.pull(0, limit=10, epoch=None)["changes"] == []
    finally:
        other.stop()


def pending_mutations(engine: SyncEngine) -> list[dict]:
    with engine.db.unit_of_work() as uow:
        return [{"mutation_id": r.mutation_id, "op": r.op, "entity_id": r.entity_id,
                 "args": json.loads(r.args), "base_version": r.base_version}
                for r in uow.outbox.pending(1000)]


def test_a_client_id_cannot_be_borrowed_by_another_user(server):
    owner, other = signed_in_client(server.url, "op01"), signed_in_client(server.url, "op02")
    owner.push("install-0001", [])
    with pytest.raises(ApiError) as info:
        other.push("install-0001", [])
    assert info.value.status == 403
