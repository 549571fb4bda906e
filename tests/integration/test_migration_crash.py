"""kill -9 while `agent-app selfcheck` upgrades a first-release database, at random points,
then start again: the upgrade is one transaction, so every start finds the file at the old
revision or the new one, never half-way, and finishes it; nothing is lost, and the backup
taken before the upgrade is always complete."""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from agent_app.storage.database import DB_FILENAME, head_revision, open_database

ROOT = Path(__file__).resolve().parents[2]
TICKETS = 4000  # enough rows that the table copies of the upgrade take a while
KILLS = 5
COLUMNS = ("id, created_at, channel, appeal_type, urgency, status, category_l1, category_l2, "
           "caller_name, caller_phone, caller_gender, phone_withheld, confidential, "
           "callback_permitted, district, street, community, address, content, demand, unit, "
           "deadline, redo_count, answer, supervision_level, updated_at")


def first_release_database(path: Path) -> None:
    open_database(path, migrate_to="0001").close()
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            f"INSERT INTO tickets ({COLUMNS}) VALUES (?, '2026-11-20T02:00:00.000000Z', "
            "'phone_12345', 'complaint', 'normal', 'dispatched', '城市管理', '路灯照明', "
            "'张先生', ?, 'male', 0, 0, 1, '卫东区', '五一路街道', '五一路社区', '五一路', "
            "'路灯不亮', '修复', '卫东区城管局', NULL, 0, NULL, NULL, "
            "'2026-11-20T02:00:00.000000Z')",
            [(f"OLD-{n:05d}", f"139{n:08d}") for n in range(TICKETS)])
        conn.executemany("INSERT INTO ticket_events VALUES (?, ?, '2026-11-20T02:00:00.000000Z',"
                         " 'dispatched', 'op01', '{}')",
                         [(f"ev-{n:05d}", f"OLD-{n:05d}") for n in range(TICKETS)])
        conn.execute("INSERT INTO outbox (op, entity_id, args, created_at, state) VALUES "
                     "('ticket.create', 'OLD-00001', '{}', '2026-11-20T02:00:00.000000Z', "
                     "'pending')")
    conn.close()


def selfcheck(data_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "agent_app", "--data-dir", str(data_dir),
                             "selfcheck"], cwd=ROOT, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def revision(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()


def contents(path: Path) -> tuple[list[tuple[str]], int, int, int]:
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("PRAGMA integrity_check").fetchall(),
                conn.execute("SELECT count(*) FROM tickets").fetchone()[0],
                conn.execute("SELECT count(*) FROM ticket_events").fetchone()[0],
                conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
    finally:
        conn.close()


def wait_for(path: Path, process: subprocess.Popen[str]) -> float:
    started = time.monotonic()
    while not path.exists() and process.poll() is None:
        time.sleep(0.002)
    return time.monotonic() - started


def test_sigkill_during_the_upgrade_leaves_the_old_revision_or_the_new_never_half(tmp_path):
    pristine = tmp_path / "release-1.db"
    first_release_database(pristine)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / DB_FILENAME
    backup = data_dir / f"{DB_FILENAME}.pre-upgrade-0001"

    # How long the upgrade takes here, from the backup's first byte to the first line out.
    shutil.copy(pristine, path)
    timed = selfcheck(data_dir)
    wait_for(backup, timed)
    started = time.monotonic()
    assert timed.stdout is not None
    assert timed.stdout.readline().startswith("database: ok")
    window = time.monotonic() - started
    timed.communicate(timeout=120)

    rng = random.Random(20261124)
    outcomes = []
    for _ in range(KILLS):
        for old in data_dir.glob(f"{DB_FILENAME}*"):
            old.unlink()
        shutil.copy(pristine, path)
        victim = selfcheck(data_dir)
        wait_for(backup, victim)
        time.sleep(rng.uniform(0, window))
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=60)
        outcomes.append(revision(path))
        assert outcomes[-1] in ("0001", head_revision())  # nothing in between

        again = selfcheck(data_dir)
        out, err = again.communicate(timeout=120)
        assert again.returncode == 0, err
        assert f"revision {head_revision()}" in out
        assert contents(path) == ([("ok",)], TICKETS, TICKETS, 1)
        # The backup is whole: the first release's file, every row in it.
        assert revision(backup) == "0001" and contents(backup) == ([("ok",)], TICKETS, TICKETS, 1)
        assert not list(data_dir.glob("*.partial*"))

    assert "0001" in outcomes, outcomes  # at least one kill landed before the upgrade committed
    upgraded = open_database(path)
    with upgraded.unit_of_work() as uow:
        ticket = uow.tickets.get("OLD-00007")
        assert ticket is not None and ticket.caller.phone == "13900000007"
        assert [e.id for e in ticket.events] == ["ev-00007"]
    upgraded.close()
