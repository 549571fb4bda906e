"""用户管理: the admin's list of accounts on the central server, and the three things IT does
with them from a desk — add one, disable or enable one, set a new password. Everything goes
to the server at once (nothing here is kept offline: an account is the server's record)."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.enums import Role
from agent_app.core.reference import ReferenceData
from agent_app.sync.accounts import Account, AccountsApi
from agent_app.sync.client import ApiError
from agent_app.tasks import TaskRunner
from agent_app.ui.accounts.passwords import (
    NewPasswordDialog,
    server_problem_text,
    set_busy_button,
)
from agent_app.ui.failures import failure_text
from agent_app.ui.i18n import tr_label
from agent_app.ui.widgets import FieldError, plain_label

# The server's rule for user names (central_api/accounts.py USERNAME_PATTERN).
USERNAME_RE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
NAME_LIMIT = 64


class UsersScreen(QWidget):
    """The accounts, one a row; the buttons act on the selected row."""

    COLUMNS = ("username", "display_name", "role", "unit", "active")

    def __init__(self, tasks: TaskRunner, accounts: AccountsApi, *, actor: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._accounts = accounts
        self._actor = actor
        self._reference: ReferenceData | None = None
        self.users: list[Account] = []
        self.loading = False

        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("users")
        self.table.setHorizontalHeaderLabels([
            self.tr("User name"), self.tr("Display name"), self.tr("Role"), self.tr("Unit"),
            self.tr("Active")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.add_button = QPushButton(self.tr("&Add user…"))
        self.add_button.setObjectName("add_user")
        self.toggle_button = QPushButton(self.tr("&Disable"))
        self.toggle_button.setObjectName("toggle_active")
        self.reset_button = QPushButton(self.tr("Set new &password…"))
        self.reset_button.setObjectName("reset_password")
        self.refresh_button = QPushButton(self.tr("&Refresh"))
        self.refresh_button.setObjectName("refresh_users")
        self.add_button.clicked.connect(self.add_user)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.reset_button.clicked.connect(self.reset_password)
        self.refresh_button.clicked.connect(self.refresh)
        for keys, action in (("Ctrl+N", self.add_user), ("Ctrl+D", self.toggle_active),
                             ("Ctrl+P", self.reset_password), ("Ctrl+R", self.refresh)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)

        self.status_label = FieldError()
        self.status_label.setObjectName("users_error")
        self.info_label = plain_label()
        self.info_label.setObjectName("users_info")
        self.info_label.setWordWrap(True)

        buttons = QHBoxLayout()
        for button in (self.add_button, self.toggle_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        title = plain_label(self.tr("User management"))
        title.setStyleSheet("font-size: 16px; font-weight: bold;")
        layout.addWidget(title)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.info_label)
        self._selection_changed()

    def shortcut_help(self) -> list[tuple[str, str]]:
        return [("Ctrl+N", self.tr("Add user")), ("Ctrl+D", self.tr("Disable or enable")),
                ("Ctrl+P", self.tr("Set new password")), ("Ctrl+R", self.tr("Refresh"))]

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self.users and not self.loading:
            self.refresh()

    # Loading --------------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.loading:
            return
        self.loading = True
        self.status_label.clear_message()
        self.info_label.setText(self.tr("Loading…"))
        self._tasks.run_net(self._accounts.list_users, on_done=self._show_users,
                            on_error=self._load_failed)
        if self._reference is None:
            self._tasks.with_reference(self._keep_reference)

    def _keep_reference(self, reference: ReferenceData) -> None:
        self._reference = reference

    def _show_users(self, users: list[Account]) -> None:
        self.loading = False
        selected = self.selected_username()
        self.users = users
        self.table.setRowCount(len(users))
        for row, account in enumerate(users):
            values = (account.username, account.display_name, tr_label(account.role),
                      self._unit_text(account.unit_code),
                      self.tr("Yes") if account.active else self.tr("No — disabled"))
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if not account.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, column, item)
            if account.username == selected:
                self.table.selectRow(row)
        if self.table.currentRow() < 0 and users:
            self.table.selectRow(0)
        self.info_label.setText(self.tr("%1 accounts").replace("%1", str(len(users))))
        self._selection_changed()

    def _unit_text(self, code: str | None) -> str:
        if not code:
            return ""
        if self._reference is not None:
            unit = next((u for u in self._reference.catalogue.units if u.code == code), None)
            if unit is not None:
                return f"{unit.name} ({code})"
        return code

    def _load_failed(self, exc: BaseException) -> None:
        self.loading = False
        self.info_label.setText("")
        if isinstance(exc, ApiError) and exc.status == 403:
            self.status_label.show_message(self.tr(
                "Only an administrator may manage accounts (the server refused)."))
        else:
            self.status_label.show_message(server_problem_text(exc))

    # Selection ------------------------------------------------------------------------------
    def selected_account(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.users):
            return None
        return self.users[rows[0].row()]

    def selected_username(self) -> str | None:
        account = self.selected_account()
        return account.username if account else None

    def _selection_changed(self) -> None:
        account = self.selected_account()
        self.toggle_button.setEnabled(account is not None and account.username != self._actor)
        self.reset_button.setEnabled(account is not None)
        self.toggle_button.setText(self.tr("&Enable") if account and not account.active
                                   else self.tr("&Disable"))

    # Actions --------------------------------------------------------------------------------
    def add_user(self) -> None:
        dialog = AddUserDialog(self._tasks, self._accounts, self._reference, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.info_label.setText(self.tr("Account %1 added.").replace(
                "%1", dialog.username_edit.text().strip()))
            self.refresh()

    def toggle_active(self) -> None:
        account = self.selected_account()
        if account is None or account.username == self._actor:
            return  # an admin does not lock themselves out from here
        self.status_label.clear_message()
        activate = not account.active
        self._tasks.run_net(lambda: self._accounts.set_active(account.username, activate),
                            on_done=lambda _none: self._toggled(account.username, activate),
                            on_error=lambda exc: self.status_label.show_message(
                                server_problem_text(exc) if not isinstance(exc, ApiError)
                                or exc.status in (403, 429) else failure_text(exc)))

    def _toggled(self, username: str, active: bool) -> None:
        self.info_label.setText(
            (self.tr("%1 enabled.") if active else
             self.tr("%1 disabled; their sessions have ended.")).replace("%1", username))
        self.refresh()

    def reset_password(self) -> None:
        account = self.selected_account()
        if account is None:
            return
        dialog = ResetPasswordDialog(self._tasks, self._accounts, account.username, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.info_label.setText(self.tr(
                "New password set for %1; tell them in person, not by e-mail.")
                .replace("%1", account.username))


class AddUserDialog(NewPasswordDialog):
    def __init__(self, tasks: TaskRunner, accounts: AccountsApi,
                 reference: ReferenceData | None, parent: QWidget | None = None) -> None:
        super().__init__(tasks, accounts, min_width=520, parent=parent)
        self.setWindowTitle(self.tr("Add user"))
        self.username_edit = QLineEdit()
        self.username_edit.setObjectName("username")
        self.username_edit.setMaxLength(NAME_LIMIT)
        self.display_edit = QLineEdit()
        self.display_edit.setObjectName("display_name")
        self.display_edit.setMaxLength(NAME_LIMIT)
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("role")
        for role in (Role.OPERATOR, Role.LEAD, Role.UNIT, Role.ADMIN):
            self.role_combo.addItem(tr_label(role), role.value)
        self.unit_combo = QComboBox()
        self.unit_combo.setObjectName("unit")
        self.unit_combo.setEditable(True)  # type a name or code to find the unit
        self.unit_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.unit_combo.addItem("", "")
        for unit in (reference.catalogue.units if reference is not None else []):
            self.unit_combo.addItem(f"{unit.name} ({unit.code})", unit.code)
        self.errors = {name: FieldError() for name in
                       ("username", "display_name", "role", "unit_code")}
        self.errors["status"] = self.status_label
        for name, error in self.errors.items():
            error.setObjectName(f"{name}_error")

        form = self.form
        form.addRow(self.tr("&User name:"), self.username_edit)
        form.addRow("", self.errors["username"])
        form.addRow(self.tr("&Display name:"), self.display_edit)
        form.addRow("", self.errors["display_name"])
        form.addRow(self.tr("R&ole:"), self.role_combo)
        form.addRow("", self.errors["role"])
        form.addRow(self.tr("U&nit:"), self.unit_combo)
        form.addRow("", self.errors["unit_code"])
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.setObjectName("add")
        self.finish(lambda: self.username_edit.text().strip(), self.add_button)
        self.role_combo.currentIndexChanged.connect(self._role_changed)
        self._role_changed()
        self.username_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def role(self) -> Role:
        return Role(self.role_combo.currentData())

    def unit_code(self) -> str:
        """The chosen unit's code; typed text that names no listed unit is taken as a code."""
        index = self.unit_combo.findText(self.unit_combo.currentText())
        if index >= 0:
            return str(self.unit_combo.itemData(index) or "")
        return self.unit_combo.currentText().strip()

    def _role_changed(self) -> None:
        self.unit_combo.setEnabled(self.role() is Role.UNIT)

    def submit(self) -> None:
        for error in self.errors.values():
            error.clear_message()
        first_bad = self.fields.check()
        username, display = self.username_edit.text().strip(), self.display_edit.text().strip()
        if self.role() is Role.UNIT and not self.unit_code():
            self.errors["unit_code"].show_message(self.tr("A unit account needs its unit."))
            first_bad = self.unit_combo
        if not display:
            self.errors["display_name"].show_message(self.tr("Enter the name people see."))
            first_bad = self.display_edit
        if not USERNAME_RE.fullmatch(username):
            self.errors["username"].show_message(self.tr(
                "A user name is 1 to 64 letters, digits, dots, dashes or underscores."))
            first_bad = self.username_edit
        if first_bad is not None:
            first_bad.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        role, unit = self.role(), self.unit_code() if self.role() is Role.UNIT else None
        password = self.fields.new_edit.text()
        self._set_busy(True)
        self._tasks.run_net(
            lambda: self._accounts.add_user(username=username, display_name=display, role=role,
                                            unit_code=unit, password=password),
            on_done=lambda _none: self.accept(), on_error=self._refused)

    def _refused(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, ApiError) and exc.status == 409:
            # The contract's meaning of 409 is fixed; said in our words, in Chinese.
            self.errors["username"].show_message(self.tr(
                "An account with this name exists already."))
            self.username_edit.selectAll()
            self.username_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        elif isinstance(exc, ApiError) and exc.status == 422:
            field = exc.field if exc.field in self.errors else None
            if field is not None:
                self.errors[field].show_message(failure_text(exc))
            else:  # the password policy sentence
                self.fields.new_error.show_message(failure_text(exc))
                self.fields.new_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.errors["status"].show_message(server_problem_text(exc))

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.username_edit, self.display_edit, self.role_combo):
            widget.setEnabled(not busy)
        set_busy_button(self.add_button, busy)
        self.unit_combo.setEnabled(not busy and self.role() is Role.UNIT)
        self.fields.set_enabled(not busy)


class ResetPasswordDialog(NewPasswordDialog):
    """An admin sets a new password for someone who forgot theirs; their sessions end."""

    def __init__(self, tasks: TaskRunner, accounts: AccountsApi, username: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, accounts, min_width=460, parent=parent)
        self.setWindowTitle(self.tr("Set new password"))
        self._username = username
        self.form.addRow(self.tr("User:"), plain_label(username))
        self.set_button = QPushButton(self.tr("Set password"))
        self.set_button.setObjectName("set_password")
        self.finish(lambda: self._username, self.set_button)
        self.fields.new_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        self.status_label.clear_message()
        first_bad = self.fields.check()
        if first_bad is not None:
            first_bad.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        password = self.fields.new_edit.text()
        self.fields.set_enabled(False)
        set_busy_button(self.set_button, True)
        self._tasks.run_net(lambda: self._accounts.reset_password(self._username, password),
                            on_done=lambda _none: self.accept(), on_error=self._refused)

    def _refused(self, exc: BaseException) -> None:
        self.fields.set_enabled(True)
        set_busy_button(self.set_button, False)
        if isinstance(exc, ApiError) and exc.status == 422:
            self.fields.new_error.show_message(failure_text(exc))
            self.fields.new_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        elif isinstance(exc, ApiError) and exc.status == 404:
            self.status_label.show_message(self.tr("This account no longer exists."))
        else:
            self.status_label.show_message(server_problem_text(exc))
