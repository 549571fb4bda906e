import subprocess
import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
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


class _Start:
    """`run_gui` in this process, as far as the sign-in: the session is an offline operator's,
    and the app quits once start-up is over (where it would freeze its objects)."""

    def __init__(self, monkeypatch, tmp_path):
        from agent_app.core.enums import Role
        from agent_app.sync.client import SignedIn, UserProfile
        from agent_app.ui import app as app_module
        from agent_app.ui.i18n import install_translator

        self.events: list[str] = []
        self.windows: list[object] = []
        self.translators: list[object] = []
        self.servers: list[object] = []
        self.boxes: list[tuple[str, str, object]] = []
        self.visible_when_started: list[bool] = []
        self.looking = False  # answer_boxes at work
        events, windows = self.events, self.windows

        class RecordedWindow(app_module.MainWindow):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                windows.append(self)

            def paintEvent(self, event):
                if "painted" not in events:
                    events.append("painted")
                super().paintEvent(event)

        real_open = app_module.open_database_or_ask

        def open_database_or_ask(path, parent=None):
            events.append("cache opened")
            return real_open(path, parent)

        def sign_in_at_seat(tasks, settings, data_dir):
            events.append("signed in")
            return SignedIn("http://127.0.0.1:9",
                            UserProfile("op01", "话务员", Role.OPERATOR, None), None,
                            offline=True)

        def started() -> None:  # instead of gc.freeze, which a test must not do
            events.append("started")
            self.visible_when_started = [window.isVisible() for window in self.windows]
            QTimer.singleShot(0, lambda: QApplication.instance().exit(0))

        def translator(app, language):
            installed = install_translator(app, language)
            self.translators.append(installed)
            return installed

        real_server = app_module.InstanceServer
        monkeypatch.setattr(app_module, "MainWindow", RecordedWindow)
        monkeypatch.setattr(app_module, "open_database_or_ask", open_database_or_ask)
        monkeypatch.setattr(app_module, "sign_in_at_seat", sign_in_at_seat)
        monkeypatch.setattr(app_module, "freeze_startup_objects", started)
        monkeypatch.setattr(app_module, "install_translator", translator)
        monkeypatch.setattr(app_module, "InstanceServer",
                            lambda name, parent: self._server(real_server, name, parent))
        self.options = app_module.GuiOptions(data_dir=tmp_path, language="zh_CN")
        self.run_gui = app_module.run_gui

    def _server(self, cls, name, parent):
        server = cls(name, parent)
        self.servers.append(server)
        return server

    def answer_boxes(self, button_text: str | None) -> None:
        """Note every message box that opens and press `button_text` in it (None: its only
        button)."""

        answered: list[QMessageBox] = []
        self.looking = True

        def look() -> None:
            if not self.looking:  # this start is over: the next test's boxes are not ours
                return
            box = QApplication.activeModalWidget()
            if (isinstance(box, QMessageBox) and box.isVisible() and box.buttons()
                    and not any(box is seen for seen in answered)):
                answered.append(box)
                self.events.append("told")
                self.boxes.append((box.windowTitle(), box.text(), box.parent()))
                [button] = [b for b in box.buttons()
                            if button_text is None or b.text() == button_text]
                button.click()
            QTimer.singleShot(20, look)

        QTimer.singleShot(0, look)

    def run(self) -> int:
        from agent_app.ui.i18n import remove_translator

        try:
            return self.run_gui(self.options)
        finally:
            self.looking = False
            for server in self.servers:
                server.close()
            for translator in self.translators:
                remove_translator(QApplication.instance(), translator)
            for window in self.windows:
                window.close()


def test_the_window_is_painted_before_the_cache_is_opened(qapp, tmp_path, monkeypatch):
    start = _Start(monkeypatch, tmp_path)
    assert start.run() == 0
    assert start.events == ["painted", "cache opened", "signed in", "started"]
    [window] = start.windows
    # The frame that was painted is the session's window, filled: no second window.
    assert window.attached and start.visible_when_started == [True]
    assert [screen.key for screen in window.screens][:2] == ["intake", "overview"]
    assert window.stack.currentWidget() is window.intake
    assert window.user_label.text() == "话务员 · 话务员"
    assert (tmp_path / DB_FILENAME).exists()


def test_held_network_jobs_start_once_the_first_screen_is_painted(qapp, tmp_path, monkeypatch):
    """The smart-intake engine, pypinyin's indexes and the first sync take the interpreter
    for seconds: they wait for the intake form's first paint, and so does the collection
    that freezes start-up's objects."""
    from agent_app.tasks import TaskRunner
    from agent_app.ui.intake.screen import IntakeScreen

    start = _Start(monkeypatch, tmp_path)
    real_paint, real_release = IntakeScreen.paintEvent, TaskRunner.release_background

    def paint(screen, event):
        if "intake painted" not in start.events:
            start.events.append("intake painted")
        real_paint(screen, event)

    def release(tasks):
        start.events.append("released")
        real_release(tasks)

    monkeypatch.setattr(IntakeScreen, "paintEvent", paint)
    monkeypatch.setattr(TaskRunner, "release_background", release)
    assert start.run() == 0
    assert start.events == ["painted", "cache opened", "signed in", "intake painted",
                            "released", "started"]


def test_the_cyclic_collector_is_paused_while_the_cache_opens_and_the_screens_are_built(
        qapp, tmp_path, monkeypatch):
    import gc

    from agent_app.ui import app as app_module

    start = _Start(monkeypatch, tmp_path)
    collector: list[tuple[str, bool]] = []
    real_open, real_attach = app_module.open_database_or_ask, app_module.MainWindow.attach
    real_sign_in = app_module.sign_in_at_seat

    def open_database_or_ask(path, parent=None):
        collector.append(("open", gc.isenabled()))
        return real_open(path, parent)

    def sign_in_at_seat(tasks, settings, data_dir):
        collector.append(("sign-in", gc.isenabled()))  # a person may take minutes here
        return real_sign_in(tasks, settings, data_dir)

    def attach(window, *args, **kwargs):
        collector.append(("attach", gc.isenabled()))
        real_attach(window, *args, **kwargs)

    monkeypatch.setattr(app_module, "open_database_or_ask", open_database_or_ask)
    monkeypatch.setattr(app_module, "sign_in_at_seat", sign_in_at_seat)
    monkeypatch.setattr(app_module.MainWindow, "attach", attach)
    assert gc.isenabled()
    assert start.run() == 0
    assert collector == [("open", False), ("sign-in", True), ("attach", False)]
    assert gc.isenabled()


def test_a_cache_that_cannot_be_opened_is_told_in_chinese_over_the_window(
        qapp, tmp_path, monkeypatch):
    (tmp_path / DB_FILENAME).write_bytes(b"not a database" * 50)
    start = _Start(monkeypatch, tmp_path)
    start.answer_boxes("退出")
    assert start.run() == 1  # the app quits, nothing is signed in or shown behind it
    assert start.events == ["painted", "cache opened", "told"]
    [(title, text, parent)] = start.boxes
    assert title == "本地数据库已损坏"
    assert text.startswith("本地数据库无法使用")
    assert str(tmp_path / DB_FILENAME) in text
    assert parent is start.windows[0]  # over the painted window, not lost behind it
    assert (tmp_path / DB_FILENAME).read_bytes() == b"not a database" * 50


def test_the_first_paint_loads_no_storage_network_keyring_or_screens():
    """What the frame needs, imported as agent_app.commands.gui does before the first paint."""
    script = ("import sys\n"
              "from agent_app.preload import import_before_qt\nimport_before_qt()\n"
              "from agent_app.ui.app import run_gui\n"
              "from agent_app.ui.main_window import MainWindow\n"
              "heavy = ('sqlalchemy', 'requests', 'keyring', 'pypinyin', 'agent_app.storage',"
              " 'agent_app.search', 'agent_app.core.smart_intake', 'agent_app.ui.intake',"
              " 'agent_app.sync.engine', 'agent_app.tasks')\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or"
              " any(m.startswith(h) for h in heavy)))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_failure_start_up_did_not_expect_is_told_not_left_in_the_log(
        qapp, tmp_path, monkeypatch):
    from agent_app.ui import app as app_module

    start = _Start(monkeypatch, tmp_path)

    def sign_in_fails(tasks, settings, data_dir):
        raise RuntimeError("the sign-in broke")

    monkeypatch.setattr(app_module, "sign_in_at_seat", sign_in_fails)
    start.answer_boxes(None)
    assert start.run() == 1
    assert start.events == ["painted", "cache opened", "told"]
    [(title, text, parent)] = start.boxes
    # In failure_text's words for a fault nobody foresaw (its traceback goes to the log).
    assert title == "启动失败" and text.startswith("无法启动：出现了程序未预料的问题")
    assert parent is start.windows[0]


def test_a_screenshot_is_of_what_the_user_is_asked_not_of_the_empty_frame(tmp_path):
    """`--screenshot` (the installer's smoke test, benchmarks/frozen_startup.py) as soon as the
    loop runs: the sign-in dialog, which comes once the cache is open, not the frame before."""
    shot = tmp_path / "first.png"
    result = subprocess.run(
        [sys.executable, "-m", "agent_app", "--data-dir", str(tmp_path / "data"),
         "--screenshot", str(shot), "--quit-after-ms", "0"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"screenshot saved to {shot}" in result.stdout
    picture = QImage(str(shot))
    assert not picture.isNull()
    assert picture.width() < 700 and picture.height() < 400  # the dialog, not the 1100×700 frame
    assert (tmp_path / "data" / DB_FILENAME).exists()


def test_start_up_goes_on_without_a_paint_at_the_latest_after_its_wait(qtbot):
    """A window started minimised or on a locked screen is not painted: the cache is opened
    all the same, once, when the wait is over."""
    from PySide6.QtWidgets import QWidget

    from agent_app.ui.app import after_first_paint

    never_shown = QWidget()
    qtbot.addWidget(never_shown)
    calls: list[str] = []
    after_first_paint(never_shown, lambda: calls.append("started"), at_the_latest_ms=200)
    assert calls == []  # not at once: it waits for a paint first
    qtbot.waitUntil(lambda: calls == ["started"], timeout=3000)
    never_shown.show()  # a paint after the wait starts nothing a second time
    qtbot.wait(100)
    assert calls == ["started"]


def test_the_frame_s_modules_are_imported_with_the_cyclic_collector_paused(
        monkeypatch, tmp_path):
    import argparse
    import gc

    from agent_app import preload
    from agent_app.commands import gui
    from agent_app.ui import app as app_module

    seen: list[tuple[str, bool]] = []
    monkeypatch.setattr("agent_app.qt_check.missing_xcb_libraries", lambda: [])
    monkeypatch.setattr("agent_app.input_method.prepare_input_method", lambda: None)
    monkeypatch.setattr(preload, "import_before_qt",
                        lambda: seen.append(("imports", gc.isenabled())))
    monkeypatch.setattr(app_module, "run_gui",
                        lambda options: seen.append(("window", gc.isenabled())) or 0)
    args = argparse.Namespace(server_url=None, demo=False, language=None, command=None,
                              number=None, screenshot=None, quit_after_ms=None)
    assert gui.launch_gui(tmp_path, args) == 0
    assert seen == [("imports", False), ("window", True)]
