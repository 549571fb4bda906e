import zipfile

from PySide6.QtWidgets import QFileDialog

from agent_app.core.enums import Role
from agent_app.sync.client import CentralClient, SignedIn, UserProfile
from agent_app.ui.main_window import MainWindow


def test_help_menu_exports_diagnostics_where_the_user_chose(qtbot, tasks, dead_url, tmp_path,
                                                           monkeypatch):
    target = tmp_path / "for-it.zip"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(target), "")))
    window = MainWindow(tasks, SignedIn(dead_url, UserProfile("op01", "话务员", Role.OPERATOR,
                                                              None), "token", offline=True),
                        CentralClient(dead_url, timeout=(2, 5)), health_check_ms=60_000)
    qtbot.addWidget(window)
    help_menu = window.menuBar().actions()[-1].menu()
    [action] = [a for a in help_menu.actions() if "diagnostics" in a.text()]
    action.trigger()
    qtbot.waitUntil(lambda: str(target) in window.statusBar().currentMessage(), timeout=10_000)
    with zipfile.ZipFile(target) as archive:
        assert {"about.json", "settings.json"} <= set(archive.namelist())
