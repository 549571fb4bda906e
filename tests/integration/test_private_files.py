"""Item 9: on Linux the data folder is 0700 and the cache, its WAL/SHM, settings and logs 0600 —
new ones, ones an older version left 0644, and ones created later (a rotated log)."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from agent_app.logging_setup import LOG_FILENAME, configure_logging
from agent_app.settings import SETTINGS_FILENAME, Settings, save_settings
from agent_app.storage.database import DB_FILENAME, open_database

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="POSIX modes are what Linux keeps others out with")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    """The default desktop umask, under which everything used to come out 0644/0755."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    yield
    for handler in root.handlers:
        handler.close()
    root.handlers[:] = saved
    root.setLevel(level)


def test_a_new_cache_is_private_with_its_wal_and_shm(tmp_path, loose_umask):
    data_dir = tmp_path / "data"
    db = open_database(data_dir / DB_FILENAME)
    try:
        with db.unit_of_work() as uow:  # a write, so SQLite makes the WAL and SHM files
            uow.meta.set("probe", "1")
            uow.commit()
        files = [data_dir / DB_FILENAME, data_dir / f"{DB_FILENAME}-wal",
                 data_dir / f"{DB_FILENAME}-shm"]
        assert all(path.exists() for path in files)
        assert mode(data_dir) == 0o700
        assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
    finally:
        db.close()


def test_an_older_cache_left_world_readable_is_tightened(tmp_path, loose_umask):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    path = data_dir / DB_FILENAME
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE probe (x)")
    conn.commit()
    conn.close()
    backup = data_dir / f"{DB_FILENAME}.pre-upgrade-0001"
    backup.write_bytes(b"old copy")
    someone_elses = data_dir / "run.sh"  # --data-dir pointed at a folder with other things
    someone_elses.write_text("#!/bin/sh\n", encoding="utf-8")
    someone_elses.chmod(0o755)
    for loose in (data_dir, path, backup):
        loose.chmod(0o755 if loose.is_dir() else 0o644)
    db = open_database(path)
    try:
        assert mode(data_dir) == 0o700
        assert mode(path) == 0o600 and mode(backup) == 0o600
        assert mode(someone_elses) == 0o755  # not ours: left alone
        # The upgrade from the bare file made a backup of its own before migrating.
        backups = list(data_dir.glob(f"{DB_FILENAME}.pre-upgrade-*"))
        assert backups and all(mode(copy) == 0o600 for copy in backups)
    finally:
        db.close()


def test_settings_are_written_private(tmp_path, loose_umask):
    save_settings(tmp_path / "data", Settings(server_url="https://hotline.example"))
    assert mode(tmp_path / "data") == 0o700
    assert mode(tmp_path / "data" / SETTINGS_FILENAME) == 0o600


def test_logs_are_private_also_after_rotation(tmp_path, loose_umask, restore_logging,
                                              monkeypatch):
    log_dir = tmp_path / "logs"
    log_dir.mkdir(mode=0o755)
    older = log_dir / f"{LOG_FILENAME}.1"
    older.write_text("from an older version\n", encoding="utf-8")
    older.chmod(0o644)
    configure_logging(log_dir=log_dir)
    handler = next(h for h in logging.getLogger().handlers if hasattr(h, "doRollover"))
    assert mode(log_dir) == 0o700
    assert mode(log_dir / LOG_FILENAME) == 0o600 and mode(older) == 0o600
    logging.getLogger("agent_app.test").warning("before the rollover")
    handler.doRollover()  # what a full log file triggers
    logging.getLogger("agent_app.test").warning("after the rollover")
    handler.flush()
    logs = sorted(log_dir.iterdir())
    assert len(logs) >= 3
    assert {path.name: mode(path) for path in logs} == {path.name: 0o600 for path in logs}
    assert "after the rollover" in (log_dir / LOG_FILENAME).read_text(encoding="utf-8")



def test_a_cache_put_straight_into_a_shared_folder_leaves_that_folder_open(tmp_path, loose_umask):
    """`--data-dir /tmp`: the cache is 0600, but /tmp itself must stay everyone's (1777)."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    db = open_database(shared / DB_FILENAME)
    try:
        with db.unit_of_work() as uow:
            uow.meta.set("probe", "1")
            uow.commit()
        assert mode(shared) == 0o1777
        assert mode(shared / DB_FILENAME) == 0o600
    finally:
        db.close()
