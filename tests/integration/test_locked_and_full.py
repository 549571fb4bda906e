"""A cache another program holds, or a disk that fills up mid-shift: the save fails with an
OSError naming the file (no SQL, no caller's number), nothing half-written, and the same save
goes through once the program lets go or space frees."""

from __future__ import annotations

import errno
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from agent_app.storage import ops
from agent_app.storage.database import DB_FILENAME, open_database
from tests.factories import make_ticket

ROOT = Path(__file__).resolve().parents[2]

# Another program takes the write lock and keeps it until told to let go.
HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("holding", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
conn.close()
"""


def counts(path: Path) -> tuple[str, int, int]:
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("PRAGMA integrity_check").fetchone()[0],
                conn.execute("SELECT count(*) FROM tickets").fetchone()[0],
                conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def holder(tmp_path):
    path = tmp_path / DB_FILENAME
    open_database(path).close()
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert process.stdout is not None and process.stdout.readline() == "holding\n"
    yield path, process
    if process.poll() is None:
        process.kill()
        process.wait()


def release(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.write("\n")
    process.stdin.flush()
    assert process.wait(timeout=30) == 0


def test_a_save_while_another_program_holds_the_file_fails_plainly_then_goes_through(holder):
    path, process = holder
    db = open_database(path)  # opening only reads; the save below needs the write lock
    ticket = make_ticket("LOCK-0001", phone="13912345678")
    try:
        with pytest.raises(OSError) as raised:
            ops.register_ticket(db, ticket)  # waits out the busy timeout, then gives up
        assert raised.value.errno == errno.EBUSY
        assert raised.value.filename == str(path)
        message = str(raised.value)
        assert "another program" in message
        assert "INSERT" not in message and "13912345678" not in message

        release(process)
        ops.register_ticket(db, ticket)
    finally:
        db.close()
    assert counts(path) == ("ok", 1, 1)


def test_the_app_starts_while_another_program_holds_the_write_lock(holder):
    path, _process = holder
    # The cache runs in WAL mode, where readers get past a writer: the start-up check and
    # the screens' reads go on, and only saves wait (and fail plainly, above).
    db = open_database(path)
    try:
        with db.unit_of_work() as uow:
            assert uow.tickets.count() == 0
    finally:
        db.close()


# Saves tickets until the disk is full, then frees space as IT would (lifts a file-size cap,
# or deletes a ballast file) and saves the one that failed again.
FILLER = """
import dataclasses, json, os, resource, signal, sys
from pathlib import Path
from agent_app.storage import ops
from agent_app.storage.database import open_database
from tests.factories import make_ticket

path, ballast = Path(sys.argv[1]), sys.argv[2]
db = open_database(path)
_soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
if not ballast:  # writes past the cap fail with EFBIG, much as on a full disk
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (path.stat().st_size + 64 * 1024, hard))
saved, failure = 0, None
for n in range(10_000):
    ticket = dataclasses.replace(make_ticket(f"FULL-{n:05d}", phone="13912345678"),
                                 content="路灯不亮" * 200)
    try:
        ops.register_ticket(db, ticket)
        saved += 1
    except OSError as exc:
        failure = {"errno": exc.errno, "filename": exc.filename, "message": str(exc)}
        break
if ballast:
    os.remove(ballast)
else:
    resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
ops.register_ticket(db, ticket)  # the very save that failed
db.close()
print(json.dumps({"saved": saved, "failure": failure}))
"""


def fill_and_free(path: Path, ballast: Path | None) -> tuple[int, dict[str, object]]:
    open_database(path).close()
    result = subprocess.run([sys.executable, "-c", FILLER, str(path), str(ballast or "")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    failure = outcome["failure"]
    assert failure is not None, "the disk never filled"
    assert failure["filename"] == str(path)
    assert "INSERT" not in failure["message"] and "13912345678" not in failure["message"]
    # Every save before the disk filled, the failed one once more after, none of them twice.
    assert counts(path) == ("ok", outcome["saved"] + 1, outcome["saved"] + 1)
    return outcome["saved"], failure


def test_a_save_past_the_file_size_cap_fails_plainly_and_succeeds_once_lifted(tmp_path):
    _saved, failure = fill_and_free(tmp_path / DB_FILENAME, None)
    assert failure["errno"] == errno.EIO  # SQLite reports EFBIG as an I/O error


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MiB tmpfs: a disk that really fills up (ENOSPC). Needs the right to mount."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs",
                              str(mount_point)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "--lazy", str(mount_point)], check=True)


def test_a_save_on_a_full_disk_fails_plainly_and_succeeds_once_space_frees(small_disk):
    ballast = small_disk / "ballast"
    ballast.write_bytes(b"\0" * 1024 * 1024)
    saved, failure = fill_and_free(small_disk / DB_FILENAME, ballast)
    assert saved > 0
    assert failure["errno"] == errno.ENOSPC
