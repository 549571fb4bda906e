"""First start while the server cannot be reached: the app opens offline, says so in a banner,
and asks for the sign-in it still needs before anything is sent."""

from PySide6.QtCore import Qt

from agent_app.core.enums import Role
from agent_app.settings import Settings
from agent_app.sync.client import CentralClient, SignedIn, UserProfile
from agent_app.sync.credentials import TokenStore
from agent_app.ui.main_window import MainWindow
from tests.ui.test_login_dialog import fill, make_dialog
from tests.unit.test_credentials import MemoryKeyring


def test_nobody_signed_in_here_yet_so_anyone_may_start_offline(qtbot, tasks, dead_url):
    settings = Settings(server_url=dead_url)
    dialog = make_dialog(qtbot, tasks, settings, TokenStore(MemoryKeyring()))
    fill(qtbot, dialog, dead_url, "op07", "whatever")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.offline_button.isVisible, timeout=10_000)
    assert dialog.server_error.text()  # and why: the server cannot be reached
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(dialog.offline_button, Qt.MouseButton.LeftButton)
    session = dialog.signed_in
    assert session is not None and session.offline and session.token is None
    assert session.user.username == "op07" and session.user.role is Role.OPERATOR
    # Not verified, so nothing that would make the next start trust this user.
    assert settings.last_role == "" and settings.server_url == dead_url


def test_the_banner_stays_until_someone_signs_in(qtbot, tasks, dead_url, api_server):
    session = SignedIn(dead_url, UserProfile("op01", "op01", Role.OPERATOR, None), None,
                       offline=True)
    renewed: list[SignedIn] = []

    def sign_in() -> SignedIn:
        result = CentralClient(api_server.url).login("op01", "demo")
        renewed.append(SignedIn(api_server.url, result.user, result.token))
        return renewed[-1]

    window = MainWindow(tasks, session, CentralClient(dead_url, timeout=(2, 5)),
                        health_check_ms=60_000, reauthenticate=sign_in)
    qtbot.addWidget(window)
    window.show()
    assert window.sign_in_banner.isVisible()
    qtbot.waitUntil(lambda: window.online is False, timeout=10_000)

    [action] = [a for a in window.sign_in_banner.actions() if a.text()]
    qtbot.mouseClick(window.sign_in_banner.widgetForAction(action), Qt.MouseButton.LeftButton)
    assert renewed and window.session is renewed[0]
    assert not window.sign_in_banner.isVisible()
