"""Password fields with the policy checked as the user types and before anything is sent,
and the dialog in which a signed-in user changes their own password."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agent_app.core import passwords
from agent_app.sync.accounts import AccountsApi
from agent_app.sync.client import ApiError, ServerUnreachableError
from agent_app.tasks import TaskRunner
from agent_app.ui.failures import failure_text
from agent_app.ui.widgets import FieldError, plain_label


def policy_problem(password: str, username: str) -> str | None:
    """The translated reason the policy refuses `password` for `username`, or None."""
    reason = passwords.problem(password, username)
    if reason is None:
        return None
    return passwords.explain(QCoreApplication.translate(passwords.CONTEXT, reason))


def password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(passwords.MAX_LENGTH)
    return edit


class NewPasswordFields:
    """"New password" and "repeat", each with its error under it, added to a form."""

    def __init__(self, form: QFormLayout, username: Callable[[], str]) -> None:
        self._username = username
        self.new_edit = password_edit("new_password")
        self.repeat_edit = password_edit("repeat_password")
        self.new_error = FieldError()
        self.new_error.setObjectName("new_password_error")
        self.repeat_error = FieldError()
        self.repeat_error.setObjectName("repeat_password_error")
        self.hint = plain_label(QCoreApplication.translate(
            "Accounts", "At least %1 characters, two kinds (letters, digits, other signs), "
                        "not containing the user name.")
            .replace("%1", str(passwords.MIN_LENGTH)))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #7f8c8d;")
        form.addRow(QCoreApplication.translate("Accounts", "&New password:"), self.new_edit)
        form.addRow("", self.new_error)
        form.addRow("", self.hint)
        form.addRow(QCoreApplication.translate("Accounts", "&Repeat it:"), self.repeat_edit)
        form.addRow("", self.repeat_error)

    def clear(self) -> None:
        self.new_error.clear_message()
        self.repeat_error.clear_message()

    def check(self) -> QLineEdit | None:
        """Shows what is wrong next to the field; returns the first field to fix."""
        self.clear()
        new, repeat = self.new_edit.text(), self.repeat_edit.text()
        problem = policy_problem(new, self._username())
        if problem is not None:
            self.new_error.show_message(problem)
            return self.new_edit
        if repeat != new:
            self.repeat_error.show_message(QCoreApplication.translate(
                "Accounts", "The two passwords are not the same."))
            return self.repeat_edit
        return None

    def set_enabled(self, enabled: bool) -> None:
        self.new_edit.setEnabled(enabled)
        self.repeat_edit.setEnabled(enabled)


def primary_button(buttons: QDialogButtonBox, button: QPushButton) -> None:
    """`button` answers Enter, also after it was disabled while a request ran (Qt then hands
    the default to Cancel, and the next Enter would close the dialog)."""
    buttons.addButton(button, QDialogButtonBox.ButtonRole.AcceptRole)
    cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
    cancel.setAutoDefault(False)
    button.setDefault(True)
    button.setAutoDefault(True)


def set_busy_button(button: QPushButton, busy: bool) -> None:
    button.setEnabled(not busy)
    if not busy:
        button.setDefault(True)


def server_problem_text(exc: BaseException) -> str:
    """What to say when the server could not be asked, or refused without a field."""
    if isinstance(exc, ServerUnreachableError):
        return QCoreApplication.translate(
            "Accounts", "Cannot reach the server; nothing was changed. Details: %1").replace(
            "%1", failure_text(exc))
    if isinstance(exc, ApiError) and exc.status == 429:
        return QCoreApplication.translate(
            "Accounts", "Too many attempts; wait a while and try again. Server: %1").replace(
            "%1", failure_text(exc))
    if isinstance(exc, ApiError) and exc.status == 403:
        return QCoreApplication.translate(
            "Accounts", "The server refused: %1").replace("%1", failure_text(exc))
    return QCoreApplication.translate("Accounts", "Not changed: %1").replace(
        "%1", failure_text(exc))


class NewPasswordDialog(QDialog):
    """The base of every dialog that sets a password: a form (its own rows first, then the
    new-password fields), a status line under it and the button row, whose primary button
    answers Enter and submits."""

    def __init__(self, tasks: TaskRunner, accounts: AccountsApi, *, min_width: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._accounts = accounts
        self.setMinimumWidth(min_width)
        self.form = QFormLayout()
        self.status_label = FieldError()
        self.status_label.setObjectName("status")

    def finish(self, username: Callable[[], str], button: QPushButton) -> NewPasswordFields:
        """The new-password fields after the rows in the form, then the status line and the
        buttons; `button` submits."""
        self.fields = NewPasswordFields(self.form, username)
        button.setDefault(True)
        buttons = QDialogButtonBox()
        primary_button(buttons, button)
        button.clicked.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)
        return self.fields

    def submit(self) -> None:
        raise NotImplementedError


class ChangePasswordDialog(NewPasswordDialog):
    """Old password, new one, repeated. The policy is checked here first; the server's
    reason for a refusal is shown next to the field it is about."""

    def __init__(self, tasks: TaskRunner, accounts: AccountsApi, username: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, accounts, min_width=460, parent=parent)
        self.setWindowTitle(self.tr("Change password"))
        self._username = username
        self.old_edit = password_edit("old_password")
        self.old_error = FieldError()
        self.old_error.setObjectName("old_password_error")
        self.form.addRow(self.tr("User:"), plain_label(username))
        self.form.addRow(self.tr("&Current password:"), self.old_edit)
        self.form.addRow("", self.old_error)
        self.change_button = QPushButton(self.tr("Change password"))
        self.change_button.setObjectName("change")
        self.finish(lambda: self._username, self.change_button)
        self.old_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        self.old_error.clear_message()
        self.status_label.clear_message()
        first_bad = self.fields.check()
        old, new = self.old_edit.text(), self.fields.new_edit.text()
        if not old:
            self.old_error.show_message(self.tr("Enter your current password."))
            first_bad = self.old_edit
        elif first_bad is None and old == new:
            self.fields.new_error.show_message(
                self.tr("The new password must differ from the current one."))
            first_bad = self.fields.new_edit
        if first_bad is not None:
            first_bad.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._set_busy(True)
        self._tasks.run_net(lambda: self._accounts.change_own_password(old, new),
                            on_done=lambda _none: self._changed(), on_error=self._refused)

    def _changed(self) -> None:
        self.old_edit.clear()
        self.fields.new_edit.clear()
        self.fields.repeat_edit.clear()
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, ApiError) and exc.status == 403 and exc.message:
            self.old_error.show_message(failure_text(exc))  # 原密码不正确。
            self.old_edit.selectAll()
            self.old_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        elif isinstance(exc, ApiError) and exc.status == 422:
            self.fields.new_error.show_message(failure_text(exc))  # the policy sentence
            self.fields.new_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.status_label.show_message(server_problem_text(exc))

    def _set_busy(self, busy: bool) -> None:
        self.old_edit.setEnabled(not busy)
        self.fields.set_enabled(not busy)
        set_busy_button(self.change_button, busy)
