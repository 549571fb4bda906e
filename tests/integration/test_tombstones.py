"""Deletions reach every client as tombstones; compacting old tombstones makes older cursors
resync (410) without losing unsent local work."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.storage.schema import TicketRow
from agent_app.sync.client import ApiError
from agent_app.sync.engine import SyncEngine
from central_api.embedded import start_embedded
from central_api.tickets import compact_tombstones
from tests.clients import signed_in
from tests.factories import make_ticket


@pytest.fixture
def server(server_db_url):
    embedded = start_embedded(server_db_url, seed_demo_users=True)
    yield embedded
    embedded.stop()



@pytest.fixture
def engines(tmp_path, server):
    made = []

    def make(name: str) -> SyncEngine:
        engine = SyncEngine(open_database(tmp_path / f"{name}.db"), signed_in(server.url, "op01"))
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.db.close()


def local_ids(engine: SyncEngine) -> set[str]:
    with engine.db.unit_of_work() as uow:
        return set(uow.session.scalars(select(TicketRow.id)))


def test_a_deleted_ticket_disappears_from_every_client(server, engines):
    first, second = engines("a"), engines("b")
    for n in range(3):
        ops.register_ticket(first.db, make_ticket(f"T-{n}"))
    first.sync_once()
    second.sync_once()
    admin = signed_in(server.url, "admin")
    assert admin.get("/tickets/T-1")["ticket"]["id"] == "T-1"
    admin.delete("/tickets/T-1")
    with pytest.raises(ApiError) as gone:
        admin.get("/tickets/T-1")
    assert gone.value.status == 404
    first.sync_once()
    second.sync_once()
    assert local_ids(first) == local_ids(second) == {"T-0", "T-2"}


def test_a_cursor_older_than_compacted_tombstones_resyncs_and_keeps_unsent_work(
        server, engines):
    behind, current = engines("behind"), engines("current")
    for n in range(3):
        ops.register_ticket(current.db, make_ticket(f"T-{n}"))
    current.sync_once()
    behind.sync_once()  # its cursor now points before the deletion below
    ops.register_ticket(behind.db, make_ticket("T-UNSENT"))
    signed_in(server.url, "admin").delete("/tickets/T-2")
    ops.register_ticket(current.db, make_ticket("T-3"))
    current.sync_once()

    sessions = server.server.config.app.state.sessions
    with sessions() as session:
        removed, floor = compact_tombstones(session, timedelta(0))
    assert removed == 1 and floor > 0

    report = behind.sync_once()
    assert report.resynced
    assert local_ids(behind) == {"T-0", "T-1", "T-3", "T-UNSENT"}
    assert local_ids(current) - {"T-UNSENT"} == {"T-0", "T-1", "T-3"}
    # Nothing older to compact: the floor stays.
    with sessions() as session:
        assert compact_tombstones(session, timedelta(0)) == (0, floor)


def test_agent_api_compact_reports_what_it_removed(tmp_path):
    url = f"sqlite:///{tmp_path / 'central.db'}"
    result = subprocess.run([sys.executable, "-m", "central_api.cli", "compact", "--db", url,
                             "--older-than-days", "30"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "removed 0 tombstone(s)" in result.stdout
