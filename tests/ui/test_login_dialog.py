from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from agent_app.core.enums import Role
from agent_app.settings import Settings
from agent_app.sync.client import CentralClient
from agent_app.sync.credentials import TokenStore
from agent_app.ui.login.dialog import LoginDialog
from tests.unit.test_credentials import MemoryKeyring


def make_dialog(qtbot, tasks, settings=None, tokens=None):
    dialog = LoginDialog(tasks, settings or Settings(server_url=""),
                         tokens or TokenStore(MemoryKeyring()),
                         lambda url: CentralClient(url, timeout=(2, 5)))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill(qtbot, dialog, server, user, password):
    for edit, text in ((dialog.server_edit, server), (dialog.user_edit, user),
                       (dialog.password_edit, password)):
        edit.clear()
        qtbot.keyClicks(edit, text)


def test_empty_fields_are_explained_next_to_each_field(qtbot, tasks):
    dialog = make_dialog(qtbot, tasks)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.server_error.isVisible() and dialog.server_error.text()
    assert dialog.user_error.isVisible() and dialog.password_error.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_signing_in_with_the_keyboard_stores_the_token_in_the_keyring(qtbot, tasks, api_server):
    keyring = MemoryKeyring()
    settings = Settings(server_url="")
    dialog = make_dialog(qtbot, tasks, settings, TokenStore(keyring))
    fill(qtbot, dialog, api_server.url, "op01", "demo")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.signed_in is not None
    assert dialog.signed_in.user.role is Role.OPERATOR and not dialog.signed_in.offline
    assert list(keyring.items.values()) == [dialog.signed_in.token]
    assert settings.last_username == "op01" and settings.last_role == "operator"
    assert dialog.password_edit.text() == ""


def test_a_wrong_password_is_reported_at_the_password_field(qtbot, tasks, api_server):
    dialog = make_dialog(qtbot, tasks)
    fill(qtbot, dialog, api_server.url, "op01", "not-the-password")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.password_error.isVisible, timeout=10_000)
    assert dialog.signed_in is None
    assert dialog.sign_in_button.isEnabled()


def test_unreachable_server_offers_offline_work_only_to_a_known_user(qtbot, tasks, dead_url):
    keyring = MemoryKeyring()
    tokens = TokenStore(keyring)
    tokens.save(dead_url, "op01", "earlier-token")
    settings = Settings(server_url=dead_url, last_username="op01", last_display_name="话务员一号",
                        last_role="operator")
    dialog = make_dialog(qtbot, tasks, settings, tokens)
    fill(qtbot, dialog, dead_url, "op02", "demo")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.server_error.isVisible, timeout=10_000)
    assert not dialog.offline_button.isVisible()

    fill(qtbot, dialog, dead_url, "op01", "demo")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.offline_button.isVisible, timeout=10_000)
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(dialog.offline_button, Qt.MouseButton.LeftButton)
    assert dialog.signed_in is not None and dialog.signed_in.offline
    assert dialog.signed_in.user.role is Role.OPERATOR
