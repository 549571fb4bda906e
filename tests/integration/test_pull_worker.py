"""A long pull in a worker process (sync/pull_worker.py), against a real central API on
loopback and real SQLite files: everything arrives, the rows the client cannot store are set
aside, the KB comes too, and killing the worker (or the process that started it) at any
moment loses and doubles nothing."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from agent_app.demo.runtime import demo_articles
from agent_app.storage.database import open_database
from agent_app.storage.problems import load_problems
from agent_app.storage.repositories import ticket_payload
from agent_app.sync.client import CentralClient
from agent_app.sync.engine import CURSOR_KEY, SyncCancelledError, SyncEngine
from agent_app.sync.pull_worker import PullWorkerError
from central_api.embedded import start_embedded
from tests.clients import plant_unreadable_ticket, remove_ticket_row
from tests.factories import make_ticket

ROOT = Path(__file__).resolve().parents[2]
BACKLOG = 420  # well past the probe page the sync thread applies itself
PAGE = 40


def seeded_tickets(count: int) -> list[dict[str, object]]:
    base = make_ticket()
    return [ticket_payload(replace(
        base, id=f"SEED-{n:05d}", caller=replace(base.caller, phone=f"139{n:08d}"),
        created_at=base.created_at - timedelta(minutes=n),
        events=[replace(base.events[0], id=str(uuid.uuid4()))]))
        for n in range(count)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("central")
    embedded = start_embedded(f"sqlite:///{folder / 'central.db'}", seed_demo_users=True,
                              demo_tickets=seeded_tickets(BACKLOG),
                              demo_articles=demo_articles())
    yield embedded
    embedded.stop()


def signed_in(url: str) -> CentralClient:
    client = CentralClient(url, retries=1, backoff=0.01)
    client.token = client.login("op02", "demo").token
    return client


def server_state(server) -> tuple[set[str], int, int]:
    """The live tickets' ids, their events' count and the newest version."""
    from sqlalchemy import func, select

    from central_api.models import TicketRecord

    with server.server.config.app.state.sessions() as session:
        rows = session.execute(select(TicketRecord.id, TicketRecord.data)
                               .where(TicketRecord.deleted.is_(False))).all()
        newest = session.scalar(select(func.max(TicketRecord.version)))
    return ({row.id for row in rows}, sum(len(json.loads(row.data)["events"]) for row in rows),
            int(newest or 0))


def local_state(path: Path) -> tuple[set[str], int, int, str]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        ids = {row[0] for row in conn.execute("SELECT id FROM tickets")}
        events = conn.execute("SELECT count(*) FROM ticket_events").fetchone()[0]
        doubled = conn.execute("SELECT count(*) - count(DISTINCT id) FROM ticket_events"
                               ).fetchone()[0]
        cursor = conn.execute("SELECT value FROM meta WHERE key = ?", (CURSOR_KEY,)).fetchone()
    finally:
        conn.close()
    return ids, events, doubled, cursor[0] if cursor else "0"


def test_a_long_pull_runs_in_a_worker_and_brings_every_ticket_and_the_kb(server, tmp_path,
                                                                      monkeypatch):
    applied_here: list[int] = []
    original = SyncEngine._apply_page

    def counted(self, page, report):  # type: ignore[no-untyped-def]
        applied_here.append(len(page["changes"]))
        original(self, page, report)

    monkeypatch.setattr(SyncEngine, "_apply_page", counted)
    db = open_database(tmp_path / "seat.db")
    try:
        engine = SyncEngine(db, signed_in(server.url), page_size=PAGE, pull_in_worker=True)
        seen: list[tuple[str, int]] = []
        report = engine.sync_once(progress=lambda p: seen.append((p.phase, p.done)))
        ids, events, newest = server_state(server)
        assert report.pulled == len(ids) >= BACKLOG
        assert report.kb_pulled == len(demo_articles()) > 0
        # Only the probe page was applied by this process: the rest came from the worker.
        assert sum(applied_here) < report.pulled and len(applied_here) == 1
        local_ids, local_events, doubled, cursor = local_state(tmp_path / "seat.db")
        assert local_ids == ids and local_events == events and doubled == 0
        assert int(cursor) == newest
        pulls = [done for phase, done in seen if phase == "pull"]
        assert pulls == sorted(pulls) and pulls[-1] == report.pulled
        with db.unit_of_work() as uow:
            assert uow.kb.count() == len(demo_articles())
        again = engine.sync_once()  # nothing new: the probe page is empty, no worker
        assert again.pulled == 0 and len(applied_here) == 2
    finally:
        db.close()


def test_a_row_the_client_cannot_store_is_set_aside_by_the_worker(server, tmp_path):
    plant_unreadable_ticket(server, "SEED-00001", "POISON-W")
    db = open_database(tmp_path / "seat.db")
    try:
        engine = SyncEngine(db, signed_in(server.url), page_size=PAGE, pull_in_worker=True)
        report = engine.sync_once()
        assert report.quarantined == 1
        [problem] = load_problems(db).quarantined
        assert problem.ticket_id == "POISON-W"
        ids, _events, newest = server_state(server)
        local_ids, _, _, cursor = local_state(tmp_path / "seat.db")
        assert local_ids == ids - {"POISON-W"} and int(cursor) == newest
        assert engine.sync_once().quarantined == 0  # the cursor moved past it
    finally:
        db.close()
        remove_ticket_row(server, "POISON-W")  # the other tests' server holds only storable rows


def _kill_the_worker_soon(path: Path, pages: int, delay: float,
                          killed: list[int]) -> threading.Thread:
    """SIGKILL the worker once it has stored `pages` more pages, `delay` seconds later: a
    point measured in the pull's own progress, so that a fast machine, which would finish
    the pull within any fixed time, is still killed in the middle of it."""
    def stored() -> int:
        conn = sqlite3.connect(path)
        try:
            return conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        finally:
            conn.close()

    def kill() -> None:
        deadline = time.monotonic() + 60
        start: int | None = None
        while time.monotonic() < deadline:
            children = multiprocessing.active_children()
            if children:
                start = stored() if start is None else start
                if stored() >= start + pages * PAGE:
                    time.sleep(delay)
                    for child in children:
                        if child.pid is not None:
                            with contextlib.suppress(ProcessLookupError):
                                os.kill(child.pid, signal.SIGKILL)
                                killed.append(child.pid)
                    return
            time.sleep(0.002)

    thread = threading.Thread(target=kill, daemon=True)
    thread.start()
    return thread


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_worker_killed_at_any_moment_loses_and_doubles_nothing(server, tmp_path):
    db = open_database(tmp_path / "seat.db")
    rng = random.Random(20261202)
    try:
        engine = SyncEngine(db, signed_in(server.url), page_size=PAGE, pull_in_worker=True)
        killed: list[int] = []
        cursors = []
        for _ in range(4):
            thread = _kill_the_worker_soon(tmp_path / "seat.db", rng.randint(0, 1),
                                           rng.uniform(0.0, 0.03), killed)
            with pytest.raises(PullWorkerError):
                engine.sync_once()
            thread.join()
            _ids, _events, doubled, cursor = local_state(tmp_path / "seat.db")
            assert doubled == 0
            cursors.append(int(cursor))  # the next sync goes on from what was committed
        assert len(killed) == 4
        assert cursors == sorted(cursors)
        engine.sync_once()
        ids, events, newest = server_state(server)
        local_ids, local_events, doubled, cursor = local_state(tmp_path / "seat.db")
        assert local_ids == ids and local_events == events and doubled == 0
        assert int(cursor) == newest
    finally:
        db.close()


def test_a_cancelled_pull_stops_the_worker_after_a_page(server, tmp_path):
    db = open_database(tmp_path / "seat.db")
    try:
        engine = SyncEngine(db, signed_in(server.url), page_size=PAGE, pull_in_worker=True)
        progress: list[int] = []
        with pytest.raises(SyncCancelledError):
            engine.sync_once(progress=lambda p: progress.append(p.done),
                             cancel=lambda: len(progress) >= 3)
        assert not multiprocessing.active_children()
        local_ids, _events, doubled, cursor = local_state(tmp_path / "seat.db")
        ids, _, newest = server_state(server)
        assert doubled == 0 and 0 < int(cursor) < newest and local_ids < ids
        engine.sync_once()
        assert local_state(tmp_path / "seat.db")[0] == ids
    finally:
        db.close()


STARTER = """
import sys
from pathlib import Path
from agent_app.storage.database import open_database
from agent_app.sync.client import CentralClient
from agent_app.sync import pull_worker
from agent_app.sync.engine import SyncEngine

started = pull_worker.multiprocessing.get_context("spawn").Process.start
def announce(process):
    started(process)
    print(process.pid, flush=True)
pull_worker.multiprocessing.get_context("spawn").Process.start = announce

if __name__ == "__main__":
    db = open_database(Path(sys.argv[1]))
    engine = SyncEngine(db, CentralClient(sys.argv[2], token=sys.argv[3]), page_size=5,
                        pull_in_worker=True)
    engine.sync_once()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")
def test_the_worker_does_not_outlive_the_process_that_started_it(server, tmp_path):
    script = tmp_path / "starter.py"
    script.write_text(STARTER, encoding="utf-8")
    token = signed_in(server.url).token
    assert token is not None
    starter = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "seat.db"), server.url, token],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert starter.stdout is not None
        worker_pid = int(starter.stdout.readline())
        time.sleep(0.5)
        starter.send_signal(signal.SIGKILL)
        starter.wait(timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(worker_pid):
            time.sleep(0.05)
        assert not _alive(worker_pid)
    finally:
        starter.kill()
        starter.wait()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ")[-1][0] != "Z"  # a zombie has stopped
    except FileNotFoundError:
        return False


def test_an_encrypted_cache_is_pulled_into_by_the_worker_with_the_key_from_the_keyring(
        server, tmp_path, monkeypatch):
    pytest.importorskip("sqlcipher3")
    import keyring

    from agent_app.storage import encryption
    from tests.os_keyring import BACKEND, FileKeyring
    from tests.os_keyring import ENV as KEYRING_ENV

    # The worker is another process: it finds the same keyring the way the app's would.
    monkeypatch.setenv(KEYRING_ENV, str(tmp_path / "keyring.json"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", BACKEND)
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring(tmp_path / "keyring.json"))
    path = tmp_path / "seat.db"
    try:
        db = open_database(path, encrypt=True)
        try:
            assert db.encrypted and encryption.is_encrypted_file(path)
            engine = SyncEngine(db, signed_in(server.url), page_size=PAGE, pull_in_worker=True)
            report = engine.sync_once()
            ids, _events, _newest = server_state(server)
            assert report.pulled == len(ids)
            with db.unit_of_work() as uow:
                assert uow.tickets.count() == len(ids)
        finally:
            db.close()
        assert encryption.is_encrypted_file(path)
    finally:
        keyring.set_keyring(previous)


def _index_definitions(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                   "AND sql IS NOT NULL").fetchall())
    finally:
        conn.close()


def test_a_first_pull_builds_the_ticket_indexes_at_its_end_as_the_migrations_made_them(
        server, tmp_path):
    fresh = open_database(tmp_path / "fresh.db")
    fresh.close()
    made_by_migrations = _index_definitions(tmp_path / "fresh.db")
    db = open_database(tmp_path / "seat.db")
    try:
        engine = SyncEngine(db, signed_in(server.url), page_size=PAGE, pull_in_worker=True)
        report = engine.sync_once()
        assert report.pulled >= BACKLOG
        assert _index_definitions(tmp_path / "seat.db") == made_by_migrations
        # A worker killed between its first and last page leaves them out: the next sync
        # builds them before it pulls anything.
        engine._drop_secondary_indexes()
        assert _index_definitions(tmp_path / "seat.db") != made_by_migrations
        engine.sync_once()
        assert _index_definitions(tmp_path / "seat.db") == made_by_migrations
    finally:
        db.close()
