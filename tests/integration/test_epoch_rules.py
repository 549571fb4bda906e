"""Who may start a new server epoch (issue 15, item 5).

Found: any operator could make every client resync everything with one request — a pull (or
a push) saying it had seen more than the database holds started a new epoch for everyone.
Now such a client gets 410 for itself alone; only IT (`agent-api new-epoch`) or the server
itself, finding at start-up that its database is not the history it served (restored from a
backup, copied in), starts one.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, select

from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.sync.engine import SyncEngine
from central_api.app import API
from central_api.embedded import EmbeddedServer, start_embedded
from central_api.models import AuditEntry
from tests.clients import signed_in
from tests.factories import make_ticket
from tests.postgres import Cluster

TIMEOUT = 10


def epoch_of(server: EmbeddedServer) -> str:
    return str(requests.get(f"{server.url}{API}/health", timeout=TIMEOUT).json()["server_epoch"])


def engine_for(folder: Path, name: str, url: str, username: str) -> SyncEngine:
    return SyncEngine(open_database(folder / f"{name}.db"), signed_in(url, username))


@pytest.fixture
def server(server_db_url: str):
    started = start_embedded(server_db_url, seed_demo_users=True)
    yield started
    started.stop()


def test_a_pull_cursor_ahead_of_the_server_is_410_for_that_client_alone(tmp_path, server):
    bystander = engine_for(tmp_path, "bystander", server.url, "op02")
    ops.register_ticket(bystander.db, make_ticket("EPOCH-0"))
    assert not bystander.sync_once().resynced
    epoch = epoch_of(server)
    headers = {"Authorization": f"Bearer {signed_in(server.url, 'op01').token}"}
    for path in ("/sync/pull", "/kb/articles"):
        ahead = requests.get(f"{server.url}{API}{path}", headers=headers, timeout=TIMEOUT,
                             params={"since": 10**9, "epoch": epoch})
        assert ahead.status_code == 410
    assert epoch_of(server) == epoch
    ops.register_ticket(bystander.db, make_ticket("EPOCH-1"))
    report = bystander.sync_once()
    assert not report.resynced and not report.kb_resynced and report.pushed == 1


def test_a_push_claiming_more_acknowledged_mutations_is_410_for_that_client_alone(
        tmp_path, server):
    bystander = engine_for(tmp_path, "bystander", server.url, "op02")
    ops.register_ticket(bystander.db, make_ticket("EPOCH-0"))
    bystander.sync_once()
    epoch = epoch_of(server)
    token = signed_in(server.url, "op01").token
    headers = {"Authorization": f"Bearer {token}"}

    def push(**standing: object) -> requests.Response:
        return requests.post(f"{server.url}{API}/sync/push", headers=headers, timeout=TIMEOUT,
                             json={"client_id": "claims-too-much", "mutations": [],
                                   **standing})

    assert push().status_code == 200  # the client is known, at mutation 0
    assert push(epoch=epoch, after=500).status_code == 410
    assert epoch_of(server) == epoch
    ops.register_ticket(bystander.db, make_ticket("EPOCH-1"))
    report = bystander.sync_once()
    assert not report.resynced and report.pushed == 1 and not report.rejected
    # That client alone starts again after the last id it declares acknowledged.
    put_article(server.url, "KB-EPOCH")
    note = {"mutation_id": 501, "op": "kb.feedback", "entity_id": "KB-EPOCH",
            "args": {"article_id": "KB-EPOCH", "text": "电话号码已变更"}}
    resumed = requests.post(f"{server.url}{API}/sync/push", headers=headers, timeout=TIMEOUT,
                            json={"client_id": "claims-too-much", "mutations": [note],
                                  "after": 500})
    assert resumed.status_code == 200
    assert resumed.json()["gap_at"] is None and resumed.json()["last_mutation_id"] == 501
    assert resumed.json()["acks"][0]["status"] == "applied"


# Restore detection at start-up -----------------------------------------------------------
def copy_database(source: Path, target: Path) -> None:
    """A file-level backup of a stopped SQLite server (its WAL files too)."""
    for suffix in ("", "-wal", "-shm"):
        part, copy = Path(f"{source}{suffix}"), Path(f"{target}{suffix}")
        if part.exists():
            shutil.copy2(part, copy)
        elif copy.exists():
            copy.unlink()


def restore_entries(url: str) -> list[AuditEntry]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(AuditEntry)
                                     .where(AuditEntry.action == "epoch.restore")))
    finally:
        engine.dispose()


def put_article(url: str, *ids: str) -> None:
    """Changes that take versions, as tickets do (the same counter), by an admin."""
    admin = signed_in(url, "admin")
    for article_id in ids:
        admin.put(f"/kb/articles/{article_id}", {"title": "停水通知", "body": "正文",
                                                 "unit": "市城市管理局"})


def test_a_sqlite_file_restored_from_an_older_backup_starts_a_new_epoch(tmp_path):
    path = tmp_path / "central.db"
    url = f"sqlite:///{path}"
    server = start_embedded(url, seed_demo_users=True)
    put_article(server.url, "OLD-0")
    server.stop()
    copy_database(path, tmp_path / "backup.db")
    server = start_embedded(url, seed_demo_users=True)
    epoch = epoch_of(server)
    put_article(server.url, "NEW-0")
    server.stop()
    server = start_embedded(url, seed_demo_users=True)  # a plain restart changes nothing
    assert epoch_of(server) == epoch
    server.stop()
    copy_database(tmp_path / "backup.db", path)
    server = start_embedded(url, seed_demo_users=True)
    try:
        assert epoch_of(server) != epoch
    finally:
        server.stop()
    [entry] = restore_entries(url)
    assert entry.actor == "server" and "token" in entry.detail


def test_a_backup_taken_while_serving_and_restored_while_stopped_starts_a_new_epoch(tmp_path):
    path = tmp_path / "central.db"
    url = f"sqlite:///{path}"
    server = start_embedded(url, seed_demo_users=True)
    put_article(server.url, "OLD-0")
    # An online backup, as sqlite3's .backup takes it: same history token as the live file.
    live, backup = sqlite3.connect(path), sqlite3.connect(tmp_path / "backup.db")
    try:
        live.backup(backup)
    finally:
        live.close()
        backup.close()
    epoch = epoch_of(server)
    put_article(server.url, "NEW-0", "NEW-1")
    server.stop()
    copy_database(tmp_path / "backup.db", path)
    server = start_embedded(url, seed_demo_users=True)
    try:
        assert epoch_of(server) != epoch
    finally:
        server.stop()
    assert "fewer versions" in restore_entries(url)[0].detail


def test_a_sqlite_file_copied_in_without_its_history_starts_a_new_epoch(tmp_path):
    url = f"sqlite:///{tmp_path / 'central.db'}"
    server = start_embedded(url, seed_demo_users=True)
    epoch = epoch_of(server)
    server.stop()
    (tmp_path / "moved").mkdir()
    copy_database(tmp_path / "central.db", tmp_path / "moved" / "central.db")
    server = start_embedded(f"sqlite:///{tmp_path / 'moved' / 'central.db'}")
    try:
        assert epoch_of(server) != epoch
    finally:
        server.stop()


def client_tool(cluster: Cluster, name: str) -> str:
    beside = cluster.bin_dir / name
    return str(beside) if beside.exists() else str(shutil.which(name) or name)


def test_a_postgresql_database_restored_from_a_dump_starts_a_new_epoch(tmp_path,
                                                                        postgres_cluster):
    url = postgres_cluster.create_database()
    server = start_embedded(url, seed_demo_users=True)
    put_article(server.url, "OLD-0")
    epoch = epoch_of(server)
    server.stop()
    server = start_embedded(url)  # a plain restart changes nothing
    assert epoch_of(server) == epoch
    server.stop()
    # IT restores last night's dump into a new database and points the server at it.
    dump = tmp_path / "central.dump"
    source = url.rsplit("/", 1)[1]
    restored = postgres_cluster.create_database()
    connection = ["-h", "127.0.0.1", "-p", str(postgres_cluster.port), "-U", "hotline"]
    subprocess.run([client_tool(postgres_cluster, "pg_dump"), *connection, "-Fc", "-f",
                    str(dump), source], check=True, capture_output=True)
    subprocess.run([client_tool(postgres_cluster, "pg_restore"), *connection, "-d",
                    restored.rsplit("/", 1)[1], str(dump)], check=True, capture_output=True)
    server = start_embedded(restored)
    try:
        assert epoch_of(server) != epoch
    finally:
        server.stop()
    [entry] = restore_entries(restored)
    assert "physical history" in entry.detail
