"""Faults on the server's side: the process killed and restarted while a client pushes, the
database restored from an older backup, and client clocks a day off the server's. Once syncs
go through again, every ticket is on the server and on each client exactly once."""

from __future__ import annotations

import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from agent_app.core.actions import TicketCommand
from agent_app.core.enums import TicketStatus
from agent_app.core.lifecycle import Action
from agent_app.core.models import TicketEvent
from agent_app.core.wire import CLOCK_SKEW
from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.storage.schema import ConflictRow, TicketRow
from agent_app.sync.client import ApiError, CentralClient, ServerUnreachableError
from agent_app.sync.engine import SyncEngine, SyncProgress, SyncReport
from central_api.embedded import EmbeddedServer, start_embedded
from tests.clients import signed_in
from tests.factories import make_ticket

ROOT = Path(__file__).resolve().parents[2]
UNIT = "市城市管理局"


def server_ids(url: str) -> list[str]:
    """Every live ticket id the server hands out from the start, duplicates included."""
    reader = signed_in(url, "admin")
    ids: list[str] = []
    cursor = 0
    while True:
        page = reader.pull(cursor, limit=1000, epoch=None)
        ids += [c["id"] for c in page["changes"] if not c["deleted"]]
        cursor = page["cursor"]
        if not page["more"]:
            return ids


def local_ids(engine: SyncEngine) -> set[str]:
    with engine.db.unit_of_work() as uow:
        return set(uow.session.scalars(select(TicketRow.id)))


def pending(engine: SyncEngine) -> int:
    with engine.db.unit_of_work() as uow:
        return uow.outbox.pending_count() + uow.outbox.rejected_count()


def integrity(path: Path) -> list[tuple[str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


# Killed and restarted mid-push -----------------------------------------------------------
class ServerProcess:
    """`agent-api serve` in a process of its own, on a fixed port, so it can be killed -9 and
    started again on the same database file."""

    def __init__(self, db_url: str, log: Path) -> None:
        self.db_url = db_url
        self.log = log
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "central_api.cli", "serve", "--db", self.db_url,
                 "--port", str(self.port), "--demo-users"],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text(errors="replace")[-2000:]
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(f"sqlite:///{tmp_path / 'central.db'}", tmp_path / "server.log")
    server.start()
    yield server
    server.kill()


def test_a_server_killed_and_restarted_while_a_client_pushes_loses_and_doubles_nothing(
        tmp_path, server_process):
    token = signed_in(server_process.url, "op01").token
    client = CentralClient(server_process.url, token=token, timeout=(1, 5), retries=0)
    engine = SyncEngine(open_database(tmp_path / "agent.db"), client, push_batch=3)
    failures: dict[str, int] = {}
    rng = random.Random(20261124)
    done = threading.Event()

    def kill_and_restart() -> None:
        for _ in range(4):
            time.sleep(rng.uniform(0.3, 1.2))
            server_process.kill()
            server_process.start()
        done.set()

    killer = threading.Thread(target=kill_and_restart)
    killer.start()
    n = 0
    try:
        while not done.is_set():
            ops.register_ticket(engine.db, make_ticket(f"R-{n:04d}", events=3))
            n += 1
            phase = ["push"]  # sync_once starts by pushing

            def note_phase(progress: SyncProgress, phase: list[str] = phase) -> None:
                phase[0] = progress.phase

            try:
                engine.sync_once(progress=note_phase)
            except (ServerUnreachableError, ApiError):
                failures[phase[0]] = failures.get(phase[0], 0) + 1
                time.sleep(0.2)  # the operator keeps typing; sync tries again shortly
    finally:
        killer.join(timeout=300)
    report = engine.sync_once()
    print(f"{n} tickets, failed syncs by phase: {failures}")

    assert sum(failures.values()) >= 3, failures  # the kills did land on syncs
    on_server = server_ids(server_process.url)
    assert len(on_server) == len(set(on_server)) == n  # every ticket once
    assert set(on_server) == local_ids(engine)
    assert pending(engine) == 0 and not report.rejected
    with engine.db.unit_of_work() as uow:
        assert all(len(uow.tickets.get(t).events) == 3 for t in on_server)  # type: ignore[union-attr]
    engine.db.close()
    server_process.kill()
    assert integrity(tmp_path / "central.db") == [("ok",)]
    server_process.start()  # for the fixture's kill


# Restored from an older backup -----------------------------------------------------------
def copy_database(source: Path, target: Path) -> None:
    """A file-level backup of a stopped server (with its WAL files, if any were left)."""
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{source}{suffix}")
        copy = Path(f"{target}{suffix}")
        if part.exists():
            shutil.copy2(part, copy)
        elif copy.exists():
            copy.unlink()


class Centre:
    """One central database file, its server started and stopped like a real one."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "central.db"
        self.server: EmbeddedServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def start(self, port: int = 0) -> None:
        self.server = start_embedded(f"sqlite:///{self.path}", seed_demo_users=True, port=port)

    def stop(self) -> int:
        assert self.server is not None
        port = int(self.server.url.rsplit(":", 1)[1])
        self.server.stop()
        self.server = None
        return port


@pytest.fixture
def centre(tmp_path: Path) -> Iterator[Centre]:
    made = Centre(tmp_path)
    made.start()
    yield made
    if made.server is not None:
        made.stop()


def engine_for(folder: Path, name: str, url: str, username: str) -> SyncEngine:
    # Signed in before the backup: sessions started after it are not in the restored copy.
    return SyncEngine(open_database(folder / f"{name}.db"), signed_in(url, username))


def note(ticket_id: str, text: str) -> TicketEvent:
    return TicketEvent(str(uuid.uuid4()), datetime.now(UTC), "note", "op01", {"text": text})


@pytest.mark.parametrize("announced", [False, True], ids=["unannounced", "new-epoch"])
def test_a_server_restored_from_an_older_backup_gets_back_everything_clients_hold(
        tmp_path, centre, announced):
    writer = engine_for(tmp_path, "writer", centre.url, "op01")
    reader = engine_for(tmp_path, "reader", centre.url, "op02")
    for n in range(3):
        ops.register_ticket(writer.db, make_ticket(f"OLD-{n}"))
    writer.sync_once()
    reader.sync_once()

    port = centre.stop()
    copy_database(centre.path, tmp_path / "backup.db")  # the nightly backup
    centre.start(port)
    for n in range(2):
        ops.register_ticket(writer.db, make_ticket(f"NEW-{n}"))
    # Work on a ticket the backup has, done after it was taken: a note.
    with writer.db.unit_of_work() as uow:
        ops._add_note(uow, "OLD-0", note("OLD-0", "来电人补充：路灯杆有破损"))
        uow.commit()
    writer.sync_once()
    reader.sync_once()
    assert sorted(server_ids(centre.url)) == ["NEW-0", "NEW-1", "OLD-0", "OLD-1", "OLD-2"]
    ops.register_ticket(writer.db, make_ticket("OFFLINE-0"))  # not sent before the disaster

    port = centre.stop()
    copy_database(tmp_path / "backup.db", centre.path)  # restored: same file, same epoch
    if announced:
        result = subprocess.run([sys.executable, "-m", "central_api.cli", "new-epoch", "--db",
                                 f"sqlite:///{centre.path}"], cwd=ROOT, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0 and "clients resync" in result.stdout, result.stderr
    centre.start(port)
    assert sorted(server_ids(centre.url)) == ["OLD-0", "OLD-1", "OLD-2"]

    # The reader pushes nothing; it holds NEW-* from its pulls, and it has seen versions
    # the restored database never gave out: it notices first (unless IT announced it).
    # It registered none of them, so it sends none back: only the registrar may.
    read = reader.sync_once()
    assert read.resynced and read.recovered == 0 and not read.rejected
    written = writer.sync_once()
    assert written.resynced and not written.rejected
    assert written.recovered == 2  # NEW-*, registered by the writer's user
    reader.sync_once()

    expected = {"OLD-0", "OLD-1", "OLD-2", "NEW-0", "NEW-1", "OFFLINE-0"}
    on_server = server_ids(centre.url)
    assert len(on_server) == len(set(on_server)) and set(on_server) == expected
    assert local_ids(writer) == local_ids(reader) == expected
    assert pending(writer) == pending(reader) == 0
    # The note went with the lost history; the writer keeps it, side by side with the
    # server's copy, to add again.
    with writer.db.unit_of_work() as uow:
        [conflict] = uow.session.scalars(select(ConflictRow)).all()
        kept = uow.tickets.get("OLD-0")
    assert conflict.ticket_id == "OLD-0" and "路灯杆有破损" in conflict.local
    assert kept is not None and [e.kind for e in kept.events] == ["registered"]
    for engine in (writer, reader):
        engine.db.close()


def test_a_pushing_client_notices_a_restore_by_the_acknowledgements_the_server_forgot(
        tmp_path, centre):
    writer = engine_for(tmp_path, "writer", centre.url, "op01")
    ops.register_ticket(writer.db, make_ticket("OLD-0"))
    writer.sync_once()
    port = centre.stop()
    copy_database(centre.path, tmp_path / "backup.db")
    centre.start(port)
    ops.register_ticket(writer.db, make_ticket("NEW-0"))
    # Pushed, but the pull that would move the cursor past the backup never happened.
    pushed = SyncReport()
    writer.push(pushed, lambda _p: None)
    assert pushed.pushed == 1
    port = centre.stop()
    copy_database(tmp_path / "backup.db", centre.path)
    centre.start(port)
    ops.register_ticket(writer.db, make_ticket("NEW-1"))

    report = writer.sync_once()
    assert report.resynced and report.recovered == 1 and not report.rejected
    assert sorted(server_ids(centre.url)) == ["NEW-0", "NEW-1", "OLD-0"]
    writer.db.close()


# Client clocks a day off -----------------------------------------------------------------
def test_client_clocks_a_day_off_reorder_and_drop_nothing(tmp_path, centre):
    server_now = datetime.now(UTC)
    # Clocks off by minutes (within the skew the server tolerates; a day off is refused,
    # see test_a_call_dated_a_day_ahead_is_refused_not_stored).
    ahead = engine_for(tmp_path, "ahead", centre.url, "op01")  # its clock: fast
    behind = engine_for(tmp_path, "behind", centre.url, "lead01")  # slow
    clocks = {id(ahead): server_now + CLOCK_SKEW / 2,
              id(behind): server_now - CLOCK_SKEW / 2}

    def register(engine: SyncEngine, ticket_id: str) -> None:
        at = clocks[id(engine)]
        ticket = make_ticket(ticket_id)
        ops.register_ticket(engine.db, replace(ticket, created_at=at,
                                               events=[replace(ticket.events[0], at=at)]))
        engine.sync_once()

    for n in range(3):
        register(ahead, f"AHEAD-{n}")
        register(behind, f"BEHIND-{n}")
        behind.sync_once()
        # Dispatched by the lead, stamped a day before the ticket was created, after the
        # operator's last sync: a feed by timestamps would never hand it to the operator.
        ops.perform_ticket_command(behind.db, TicketCommand(
            f"AHEAD-{n}", Action.DISPATCH, clocks[id(behind)], "lead01", {"unit": UNIT}))
        behind.sync_once()
        ahead.sync_once()

    observer = engine_for(tmp_path, "observer", centre.url, "op02")
    observer.sync_once()
    # The feed follows commit order (each ticket at its last change: BEHIND-n was created
    # before AHEAD-n was dispatched), not the stamps, by which all BEHIND-* come first.
    assert server_ids(centre.url) == ["BEHIND-0", "AHEAD-0", "BEHIND-1", "AHEAD-1",
                                      "BEHIND-2", "AHEAD-2"]
    everything = {f"{side}-{n}" for side in ("AHEAD", "BEHIND") for n in range(3)}
    for engine in (ahead, behind, observer):
        assert local_ids(engine) == everything and pending(engine) == 0
        with engine.db.unit_of_work() as uow:
            for n in range(3):
                ticket = uow.tickets.get(f"AHEAD-{n}")
                assert ticket is not None and ticket.status is TicketStatus.DISPATCHED
                assert sorted(e.kind for e in ticket.events) == ["dispatched", "registered"]
        engine.db.close()


def test_a_call_dated_a_day_ahead_is_refused_not_stored(tmp_path, centre):
    """A PC whose clock runs a day fast would move deadlines and the month's figures: the
    server refuses the ticket with the reason, and the next ticket still goes through."""
    from agent_app.core.i18n import translated
    from agent_app.core.wire import W_RECEIVED

    engine = engine_for(tmp_path, "fast", centre.url, "op01")
    ahead = datetime.now(UTC) + timedelta(days=1)
    ticket = make_ticket("FUTURE-1")
    ops.register_ticket(engine.db, replace(ticket, created_at=ahead,
                                           events=[replace(ticket.events[0], at=ahead)]))
    ops.register_ticket(engine.db, make_ticket("NOW-1"))
    report = engine.sync_once()
    assert [reason for _id, reason in report.rejected] == [translated(W_RECEIVED)]
    assert server_ids(centre.url) == ["NOW-1"]
    engine.db.close()
