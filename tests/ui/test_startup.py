import subprocess
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from agent_app.storage.database import DB_FILENAME, head_revision
from agent_app.ui.app import open_database_or_ask


def answer_message_box(button_text: str) -> None:
    """Click the button of the modal message box once it is open."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        [button] = [b for b in box.buttons() if b.text() == button_text]
        button.click()

    QTimer.singleShot(0, click)


def test_a_damaged_database_is_moved_aside_only_when_the_user_agrees(qapp, tmp_path):
    path = tmp_path / DB_FILENAME
    path.write_bytes(b"not a database" * 50)

    answer_message_box("Quit")
    assert open_database_or_ask(path) is None
    assert path.read_bytes() == b"not a database" * 50

    answer_message_box("Move aside and resync")
    db = open_database_or_ask(path)
    assert db is not None and db.current_revision() == head_revision()
    db.close()
    [kept] = tmp_path.glob(f"{DB_FILENAME}.broken-*")
    assert kept.read_bytes() == b"not a database" * 50


def test_selfcheck_opens_the_database_loads_qt_and_exits_zero(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "agent_app", "--data-dir", str(tmp_path), "selfcheck"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"revision {head_revision()}" in result.stdout
    assert "qt: ok" in result.stdout and "fonts: ok" in result.stdout
    assert (tmp_path / DB_FILENAME).exists()


def test_selfcheck_reports_a_damaged_database_without_a_traceback(tmp_path):
    (tmp_path / DB_FILENAME).write_bytes(b"garbage" * 100)
    result = subprocess.run(
        [sys.executable, "-m", "agent_app", "--data-dir", str(tmp_path), "selfcheck"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "not an SQLite database" in result.stderr and "Traceback" not in result.stderr
