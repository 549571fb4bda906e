"""A full disk or a folder that cannot be written is reported as such, naming the path; the
database is not called damaged (which would offer to move a healthy file aside)."""

import resource
import signal
import subprocess
import sys

import pytest

from agent_app.storage.database import DB_FILENAME, open_database


def limit_file_size(limit: int):
    def apply() -> None:
        # Writes past `limit` bytes fail with EFBIG, as on a disk that fills up.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_selfcheck_on_a_full_disk_names_the_folder_without_a_traceback(tmp_path):
    data_dir = tmp_path / "data"
    result = subprocess.run(
        [sys.executable, "-m", "agent_app", "--data-dir", str(data_dir), "selfcheck"],
        capture_output=True, text=True, timeout=120, preexec_fn=limit_file_size(16_384))
    assert result.returncode == 1
    assert f"database: FAILED — cannot write {data_dir}" in result.stderr
    assert "Traceback" not in result.stderr and "damaged" not in result.stderr


def test_a_database_that_cannot_be_opened_is_an_os_error_not_a_damaged_file(tmp_path):
    path = tmp_path / DB_FILENAME
    path.symlink_to(tmp_path / "gone" / DB_FILENAME)  # e.g. a network folder that went away
    with pytest.raises(OSError) as raised:
        open_database(path)
    assert raised.value.filename == str(path)
    assert "unable to open" in raised.value.strerror
