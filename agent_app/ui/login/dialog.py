"""Sign-in: server URL, user, password. The password is never stored; the token goes to the
keyring. When the server cannot be reached, a user who signed in on this PC before may go on
working offline with the local cache; so may anyone on a PC where nobody has signed in yet (a
first start while the network is down), as an operator whose work is sent after signing in."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.enums import Role
from agent_app.settings import Settings
from agent_app.sync.client import (
    ApiError,
    CentralClient,
    LoginResult,
    ServerUnreachableError,
    SignedIn,
    TlsError,
    UserProfile,
)
from agent_app.sync.credentials import TokenStore
from agent_app.tasks import TaskRunner
from agent_app.ui.failures import failure_text
from agent_app.ui.widgets import FieldError, plain_label

ClientFactory = Callable[[str], CentralClient]

log = logging.getLogger(__name__)


class LoginDialog(QDialog):
    def __init__(self, tasks: TaskRunner, settings: Settings, tokens: TokenStore,
                 client_factory: ClientFactory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._settings = settings
        self._tokens = tokens
        self._client_factory = client_factory
        self.signed_in: SignedIn | None = None
        self.setWindowTitle(self.tr("Sign in — 12345 Hotline Agent"))
        self.setMinimumWidth(420)

        self.server_edit = QLineEdit(settings.server_url)
        self.server_edit.setObjectName("server_url")
        self.user_edit = QLineEdit(settings.last_username)
        self.user_edit.setObjectName("username")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_error = FieldError()
        self.user_error = FieldError()
        self.password_error = FieldError()
        self.status_label = plain_label()
        self.status_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("&Server:"), self.server_edit)
        form.addRow("", self.server_error)
        form.addRow(self.tr("&User name:"), self.user_edit)
        form.addRow("", self.user_error)
        form.addRow(self.tr("&Password:"), self.password_edit)
        form.addRow("", self.password_error)

        self.buttons = QDialogButtonBox()
        self.sign_in_button = QPushButton(self.tr("Sign in"))
        self.sign_in_button.setDefault(True)
        self.offline_button = QPushButton(self.tr("Work offline"))
        self.buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.offline_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.offline_button.hide()  # after addButton, which shows it
        self.sign_in_button.clicked.connect(self.submit)
        self.offline_button.clicked.connect(self._work_offline)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        (self.password_edit if settings.last_username else self.user_edit).setFocus(
            Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        for error in (self.server_error, self.user_error, self.password_error):
            error.clear_message()
        server = self.server_edit.text().strip()
        username = self.user_edit.text().strip()
        password = self.password_edit.text()
        first_bad: QLineEdit | None = None
        if not server.startswith(("https://", "http://")):
            self.server_error.show_message(
                self.tr("Enter the server address, starting with https://"))
            first_bad = first_bad or self.server_edit
        if not username:
            self.user_error.show_message(self.tr("Enter your user name."))
            first_bad = first_bad or self.user_edit
        if not password:
            self.password_error.show_message(self.tr("Enter your password."))
            first_bad = first_bad or self.password_edit
        if first_bad is not None:
            first_bad.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._set_busy(True)
        client = self._client_factory(server)
        self._tasks.run_net(
            lambda: client.login(username, password),
            on_done=lambda result: self._signed_in(server, result),
            on_error=lambda exc: self._failed(server, username, exc),
        )

    def _signed_in(self, server: str, result: LoginResult) -> None:
        self._tokens.save(server, result.user.username, result.token)
        self._settings.server_url = server
        self._settings.last_username = result.user.username
        self._settings.last_display_name = result.user.display_name
        self._settings.last_role = result.user.role.value
        self.password_edit.clear()
        self.signed_in = SignedIn(server, result.user, result.token)
        self.accept()

    def _failed(self, server: str, username: str, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, ApiError) and exc.status == 401:
            self.password_error.show_message(self.tr("Wrong user name or password."))
            self.password_edit.selectAll()
            self.password_edit.setFocus()
        elif isinstance(exc, TlsError):
            # Not a network fault, and nothing the operator should work around: IT must act.
            log.warning("the server could not be verified: %s", exc)
            self.server_error.show_message(
                self.tr("The server could not be verified as genuine, so nothing was sent. "
                        "This is not a network fault: ask IT to check the server's "
                        "certificate and the CA bundle (ca_bundle); details are in the log."))
            self.offline_button.setVisible(self._can_work_offline(server, username))
        elif isinstance(exc, ServerUnreachableError):
            self.server_error.show_message(
                self.tr("Cannot reach the server: %1").replace("%1", failure_text(exc)))
            self.offline_button.setVisible(self._can_work_offline(server, username))
        else:
            self.status_label.setText(self.tr("Sign-in failed: %1").replace(
                "%1", failure_text(exc)))

    def _can_work_offline(self, server: str, username: str) -> bool:
        if self._first_start():
            return True
        # Someone who signed in here before (their token is in this OS account's keyring).
        return (username == self._settings.last_username
                and self._tokens.load(server, username) is not None)

    def _first_start(self) -> bool:
        return not self._settings.last_role

    def _work_offline(self) -> None:
        server = self.server_edit.text().strip()
        username = self.user_edit.text().strip()
        if self._first_start():
            # Unverified until the first sign-in, so the least a user of this app may do, and
            # no token: the main window asks for a sign-in before anything is sent.
            profile = UserProfile(username, username, Role.OPERATOR, None)
            token = None
            self._settings.server_url = server
        else:
            profile = UserProfile(username, self._settings.last_display_name,
                                  Role(self._settings.last_role), None)
            token = self._tokens.load(server, username)
        self.signed_in = SignedIn(server, profile, token, offline=True)
        self.accept()

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.server_edit, self.user_edit, self.password_edit,
                       self.sign_in_button):
            widget.setEnabled(not busy)
        self.status_label.setText(self.tr("Signing in…") if busy else "")
