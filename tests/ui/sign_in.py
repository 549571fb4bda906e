"""Going through the app's own sign-in (`agent_app.ui.app.sign_in`: the modal dialog, the
client it builds from the settings, the token store, the saved settings) as a user would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from agent_app.settings import Settings
from agent_app.sync.client import SignedIn
from agent_app.sync.credentials import TokenStore
from agent_app.tasks import TaskRunner
from agent_app.ui.app import sign_in
from agent_app.ui.login.dialog import LoginDialog

WATCHDOG_MS = 60_000


def type_in(dialog: LoginDialog, server: str, username: str, password: str) -> None:
    dialog.server_edit.setText(server)
    dialog.user_edit.setText(username)
    dialog.password_edit.setText(password)


def sign_in_as_a_user(tasks: TaskRunner, settings: Settings, tokens: TokenStore,
                      data_dir: Path, drive: Callable[[LoginDialog], None]) -> SignedIn | None:
    """Run the app's sign-in; `drive` acts on the dialog once it is on screen (and rejects it
    to give up). A watchdog closes a dialog still open after a minute, so a failing test
    fails instead of hanging in the dialog's event loop."""
    dialogs: list[LoginDialog] = []

    def start() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, LoginDialog) and w.isVisible())
        dialogs.append(dialog)
        try:
            drive(dialog)
        except BaseException:
            dialog.reject()
            raise

    def watchdog() -> None:
        for dialog in dialogs:
            if dialog.isVisible():
                dialog.reject()

    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(watchdog)
    guard.start(WATCHDOG_MS)
    QTimer.singleShot(0, start)
    try:
        return sign_in(tasks, settings, tokens, data_dir)
    finally:
        guard.stop()  # never fires into a later test
