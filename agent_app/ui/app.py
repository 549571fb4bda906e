"""GUI start-up: checks, the window's frame, then database, sign-in and the session's
screens. Nothing here runs before `main` asks.

The frame is painted first: what fills it (SQLAlchemy and the cache, requests, the keyring,
the intake rules) takes most of a cold start and is imported only after that paint."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QMessageBox, QWidget

from agent_app.commands.call import is_phone_like
from agent_app.gc_pause import cyclic_gc_paused
from agent_app.paths import resources_dir
from agent_app.settings import Settings, load_settings, save_settings
from agent_app.sync.credentials import TokenStore
from agent_app.ui.failures import failure_text
from agent_app.ui.fonts import has_cjk_font, missing_font_message
from agent_app.ui.i18n import install_translator
from agent_app.ui.main_window import MainWindow
from agent_app.ui.single_instance import InstanceServer, hand_over, server_name

if TYPE_CHECKING:
    from agent_app.demo.runtime import DemoEnvironment
    from agent_app.storage.database import Database
    from agent_app.sync.client import SignedIn
    from agent_app.tasks import TaskRunner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GuiOptions:
    data_dir: Path
    server_url: str | None = None
    demo: bool = False
    language: str | None = None
    call_number: str | None = None  # screen pop: open a new intake form for this caller
    screenshot: Path | None = None  # hidden options of the smoke test and the benchmark
    quit_after_ms: int | None = None


def freeze_startup_objects() -> None:
    """Exempt everything built at start-up from the cyclic collector.

    A full collection walks every tracked object while holding the interpreter lock; with
    start-up's modules, widgets and models in the young generations a collection triggered on
    the sync thread stalled the event loop for 60–110 ms in benchmarks/sync.py (16 ms after).
    """
    gc.collect()
    gc.freeze()


def ensure_application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("hotline-agent")
    app.setOrganizationName("hotline12345")
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "hotline-agent.svg")))
    return app


def quit_later(app: QApplication, after_ms: int, screenshot: Path | None) -> QTimer:
    """`--quit-after-ms`/`--screenshot`: after `after_ms`, save a picture of the window on top
    (a dialog, or else the main window), then close dialogs and quit, whichever event loop is
    running: the main one, or a dialog's before it started."""
    again = QTimer(app)
    again.setInterval(100)
    pending = screenshot

    def finish() -> None:
        nonlocal pending
        if pending is not None:
            # Not the frame painted before the cache is opened: its picture shows nothing yet.
            window = app.activeModalWidget() or next(
                (w for w in app.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()
                 and getattr(w, "attached", True)), None)
            if window is None:
                again.start()
                return
            window.grab().save(str(pending))
            print(f"screenshot saved to {pending}", flush=True)
            pending = None
        for widget in app.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.done(QDialog.DialogCode.Rejected)
        app.exit(0)  # ignored until the main loop runs, hence the repeat
        again.start()

    again.timeout.connect(finish)
    QTimer.singleShot(after_ms, finish)
    return again


def open_database_or_ask(path: Path, parent: QWidget | None = None) -> Database | None:
    """Open the cache; if it is broken, let the user move it aside (never delete) or quit.
    The messages are boxes over `parent` (the window's frame at start-up)."""
    from agent_app.storage.database import (
        CorruptDatabaseError,
        move_aside,
        open_database,
    )
    from agent_app.storage.encryption import EncryptionUnavailableError

    try:
        return open_database(path)
    except EncryptionUnavailableError as exc:
        log.warning("the encrypted cache cannot be opened: %s", exc)
        QMessageBox.critical(parent, QApplication.translate("Startup", "Local database"),
                             QApplication.translate(
                                 "Startup",
                                 "The local database %1 is encrypted and cannot be opened on "
                                 "this computer now. It is left as it is; ask IT (details are "
                                 "in the log).")
                             .replace("%1", str(path)))
        return None
    except OSError as exc:
        _cannot_write(path, exc, parent)
        return None
    except CorruptDatabaseError as exc:
        log.warning("the local database cannot be used: %s", exc)  # SQLite's words, for IT
        box = QMessageBox(QMessageBox.Icon.Critical,
                          QApplication.translate("Startup", "Local database damaged"),
                          QApplication.translate(
                              "Startup",
                              "The local database cannot be used (details are in the log):"
                              "\n%1\n\n"
                              "Move it aside and start with an empty local cache? The file "
                              "is kept, not deleted; data from the server is downloaded "
                              "again at the next sync.")
                          .replace("%1", str(exc.path)), parent=parent)
        move = box.addButton(QApplication.translate("Startup", "Move aside and resync"),
                             QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QApplication.translate("Startup", "Quit"),
                      QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not move:
            return None
        try:
            kept = move_aside(path, datetime.now())
            log.warning("damaged database moved to %s", kept)
            return open_database(path)
        except (OSError, CorruptDatabaseError) as again:
            _cannot_write(path, again, parent)
            return None


def _cannot_write(path: Path, exc: BaseException, parent: QWidget | None) -> None:
    message = QApplication.translate("Startup", "Cannot use the folder %1:\n%2")
    QMessageBox.critical(parent, QApplication.translate("Startup", "Local database"),
                         message.replace("%1", str(path.parent))
                         .replace("%2", failure_text(exc)))


def sign_in(tasks: TaskRunner, settings: Settings, tokens: TokenStore,
            data_dir: Path) -> SignedIn | None:
    from agent_app.sync.client import CentralClient
    from agent_app.ui.login.dialog import LoginDialog

    dialog = LoginDialog(tasks, settings, tokens,
                         lambda url: CentralClient(url, ca_bundle=settings.ca_bundle or None))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    try:  # the server and who signed in, for the next start (and for working offline then)
        save_settings(data_dir, settings)
    except OSError as exc:
        log.warning("settings not saved in %s: %s", data_dir, exc.strerror or exc)
    return dialog.signed_in


def sign_in_at_seat(tasks: TaskRunner, settings: Settings, data_dir: Path) -> SignedIn | None:
    """Sign-in, and the installation's client id paired with who signed in. Someone else
    may not take over a PC while the previous user's changes wait to be sent: they would be
    sent, or queued behind, under the wrong name. The dialog comes back until the previous
    user signs in (and their changes go out at the first sync), or nobody does."""
    from agent_app.sync.accounts import UnsentWorkOfAnotherUserError, claim_client_for

    while True:
        session = sign_in(tasks, settings, TokenStore(), data_dir)
        if session is None:
            return None
        try:
            claim_client_for(tasks.db, session.user.username)
            return session
        except UnsentWorkOfAnotherUserError as exc:
            box = QMessageBox(QMessageBox.Icon.Warning,
                              QApplication.translate("Startup", "Changes of %1 not sent yet")
                              .replace("%1", exc.owner),
                              QApplication.translate(
                                  "Startup",
                                  "%1 change(s) made by %2 on this computer have not reached "
                                  "the server yet. They are kept, as %2's. Before anyone else "
                                  "signs in here, %2 signs in once while the server can be "
                                  "reached, and they are sent.")
                              .replace("%1", str(exc.unsent)).replace("%2", exc.owner))
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.exec()


def demo_sign_in(demo: DemoEnvironment) -> SignedIn:
    from agent_app.demo.runtime import DEMO_PASSWORD, DEMO_USER
    from agent_app.sync.client import CentralClient, SignedIn

    # The loopback server started a moment ago and no window exists yet, so a blocking call is
    # fine. The token stays in memory: a demo on a random port must not litter the keyring.
    result = CentralClient(demo.url).login(DEMO_USER, DEMO_PASSWORD)
    return SignedIn(demo.url, result.user, result.token)


def handle_request(window: MainWindow, request: dict[str, Any]) -> None:
    """What a second launch asked for: a screen pop for a number, or just the window."""
    number = request.get("call")
    if isinstance(number, str) and is_phone_like(number):
        window.start_call(number)
    else:
        window.showNormal()
        window.raise_()
        window.activateWindow()


def after_first_paint(window: QWidget, then: Callable[[], None], *,
                      at_the_latest_ms: int = 1000) -> None:
    """`then()` once `window` has been painted, or after `at_the_latest_ms` if no paint comes
    (a window started minimised, a locked screen): nothing must wait for a paint for ever."""
    done = False

    class PaintWatcher(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                # Queued: the painted frame reaches the screen before `then` holds the thread.
                QTimer.singleShot(0, run)
            return False

    watcher = PaintWatcher(window)

    def run() -> None:
        nonlocal done
        if done:
            return
        done = True
        window.removeEventFilter(watcher)
        watcher.deleteLater()
        then()

    window.installEventFilter(watcher)
    QTimer.singleShot(at_the_latest_ms, run)


@dataclass
class Started:
    """What start-up opened, for the way out (and for tests)."""

    db: Database | None = None
    tasks: TaskRunner | None = None
    demo: DemoEnvironment | None = None
    instance: InstanceServer | None = None  # held here for as long as the app runs

    def close(self) -> None:
        if self.tasks is not None:
            self.tasks.shutdown()
        if self.db is not None:
            self.db.close()
        if self.demo is not None:
            self.demo.stop()


def run_gui(options: GuiOptions) -> int:
    app = ensure_application()
    settings = load_settings(options.data_dir)
    if options.server_url:
        settings.server_url = options.server_url
    install_translator(app, options.language or settings.language)
    if options.quit_after_ms is not None or options.screenshot is not None:
        quit_later(app, options.quit_after_ms or 0, options.screenshot)
    instance_name = server_name(options.data_dir)
    if hand_over(instance_name, {"call": options.call_number} if options.call_number
                 else {"activate": True}):
        return 0  # the running instance took it
    if not has_cjk_font():
        QMessageBox.warning(None, "Chinese font missing", missing_font_message())

    # The frame first; the cache, sign-in and the screens once it is on the screen.
    window = MainWindow()
    window.show()
    started = Started()
    after_first_paint(window, lambda: start_or_say_why(app, window, options, settings, started,
                                                       instance_name))
    try:
        return app.exec()
    finally:
        started.close()


def start_or_say_why(app: QApplication, window: MainWindow, options: GuiOptions,
                     settings: Settings, started: Started, instance_name: str) -> None:
    """`start_session`, from the event loop: a failure it did not expect is not left in the
    log behind a window that says it is still opening the local data; the user is told."""
    try:
        start_session(app, window, options, settings, started, instance_name)
    except Exception as exc:  # failure_text logs what it did not expect, with the traceback
        QMessageBox.critical(window, QApplication.translate("Startup", "Start-up failed"),
                             QApplication.translate("Startup", "The app could not start: %1")
                             .replace("%1", failure_text(exc)))
        app.exit(1)


def start_session(app: QApplication, window: MainWindow, options: GuiOptions,
                  settings: Settings, started: Started, instance_name: str) -> None:
    """Open the cache, sign in and fill `window` for the session; on a failure (told to the
    user by a box over the window) or a sign-in given up, the app quits."""
    # Importing storage (SQLAlchemy) and building the screens make many objects and no
    # garbage worth a collection: the cyclic collector, paused, costs about a fifth less
    # CPU there. Not over the sign-in, which waits for a person.
    with cyclic_gc_paused():
        from agent_app.storage.database import DB_FILENAME
        from agent_app.tasks import TaskRunner

        db = open_database_or_ask(options.data_dir / DB_FILENAME, window)
    if db is None:
        app.exit(1)
        return
    started.db = db
    tasks = started.tasks = TaskRunner(db)
    session = start_demo(options, started) if options.demo else sign_in_at_seat(
        tasks, settings, options.data_dir)
    if session is None or not window.isVisible():  # given up, or the window closed meanwhile
        app.exit(0)
        return
    current: list[MainWindow] = [window]

    def fill(window: MainWindow, session: SignedIn) -> MainWindow:
        from agent_app.sync.client import CentralClient

        client = CentralClient(session.server_url, ca_bundle=settings.ca_bundle or None,
                               token=session.token)
        window.attach(
            tasks, session, client, health_check_ms=settings.health_check_seconds * 1000,
            reauthenticate=None if options.demo else
            lambda: sign_in(tasks, settings, TokenStore(), options.data_dir),
            session_ended=None if options.demo else session_ended,
            forget_token=lambda server, username: TokenStore().delete(server, username))
        current[:] = [window]
        return window

    def session_ended(old: MainWindow, next_user: bool) -> None:
        # The old window stays up behind the sign-in dialog (closing the last window
        # would quit); the next user's window replaces it with their role's screens.
        renewed = sign_in_at_seat(tasks, settings, options.data_dir) if next_user else None
        if renewed is not None:
            fill(MainWindow(), renewed).show()
        old.close()
        old.deleteLater()

    tasks.hold_background()
    with cyclic_gc_paused():
        fill(window, session)
    instance = started.instance = InstanceServer(instance_name, app)
    instance.request.connect(lambda request: handle_request(current[0], request))
    if options.call_number:
        window.start_call(options.call_number)
    when_first_screen_painted(window, tasks, then=freeze_startup_objects)


def when_first_screen_painted(window: MainWindow, tasks: TaskRunner, *,
                              then: Callable[[], None] | None = None) -> None:
    """Network and sync jobs (the smart-intake engine, the category indexes that load
    pypinyin, a health check, the first sync), held while `window` was filled, start once its
    first screen is painted, and `then()` after them: on two busy cores, released at once,
    they took the interpreter from that paint for 0.5–0.9 s."""
    def release() -> None:
        tasks.release_background()
        if then is not None:
            then()

    after_first_paint(window.stack.currentWidget() or window, release)


def start_demo(options: GuiOptions, started: Started) -> SignedIn:
    from agent_app.core.calendar import CHINA_TZ
    from agent_app.demo.runtime import start_demo_server
    from agent_app.sync.accounts import claim_client_for

    assert started.tasks is not None
    demo = started.demo = start_demo_server(options.data_dir, datetime.now(CHINA_TZ))
    session = demo_sign_in(demo)
    claim_client_for(started.tasks.db, session.user.username)
    return session
