"""Main window: navigation to the screens, and a status bar that always answers
"am I online, is anything waiting to be sent, who am I"."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from agent_app import __version__
from agent_app.core.enums import Role
from agent_app.logging_setup import current_log_dir
from agent_app.ui.failures import failure_text
from agent_app.ui.i18n import tr_label
from agent_app.ui.widgets import plain_label

# Storage, sync and the screens are imported when a session is attached: the window's frame
# is painted before any of them (SQLAlchemy, requests, the intake rules) is loaded.
if TYPE_CHECKING:
    from agent_app.core.queue import SavedView
    from agent_app.storage.database import Database
    from agent_app.sync.accounts import AccountsApi, HandoverResult
    from agent_app.sync.client import CentralClient, SignedIn
    from agent_app.sync.engine import SyncReport
    from agent_app.sync_controller import SyncController
    from agent_app.tasks import TaskRunner
    from agent_app.ui.intake.screen import IntakeScreen
    from agent_app.ui.overview.screen import OverviewScreen
    from agent_app.ui.queue.screen import QueueScreen

log = logging.getLogger(__name__)


class Screen:
    """A screen of the navigation. Only the first one on show is built with the window; the
    others (and the modules they import) when first shown or asked for: the first paint
    waits for nothing it does not show."""

    def __init__(self, key: str, title: str, widget: QWidget | None = None, *,
                 build: Callable[[], QWidget] | None = None) -> None:
        assert widget is not None or build is not None
        self.key = key
        self.title = title
        self._widget = widget
        self._build = build
        self.built: Callable[[Screen], None] | None = None  # set by the window

    @property
    def is_built(self) -> bool:
        return self._widget is not None

    @property
    def widget(self) -> QWidget:
        if self._widget is None:
            assert self._build is not None
            self._widget = self._build()
            if self.built is not None:
                self.built(self)
        return self._widget


# What the app does once a session has ended at the user's request: with True, the next user
# signs in (shift handover); with False, the app closes (sign out).
SessionEnded = Callable[["MainWindow", bool], None]


class MainWindow(QMainWindow):
    """Built in two steps: the frame (title, navigation, menus, status bar, a loading
    screen), which needs nothing but Qt, then `attach`, which fills it for a session. Given
    a session at construction, it does both at once."""

    def __init__(self, tasks: TaskRunner | None = None, session: SignedIn | None = None,
                 client: CentralClient | None = None,
                 *, health_check_ms: int = 15_000, sync_ms: int = 30_000,
                 reauthenticate: Callable[[], SignedIn | None] | None = None,
                 session_ended: SessionEnded | None = None,
                 forget_token: Callable[[str, str], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attached = False
        self.handing_over = False
        self._closing = False
        self._reauthenticating = False
        self.setWindowTitle(self.tr("12345 Hotline Agent"))
        self.resize(1100, 700)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(112)  # titles are four characters: the screens need the width
        self.nav.setStyleSheet("QListWidget#navigation::item { padding: 8px 6px; }")
        self.stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        # What the first paint shows until a session is attached (the cache is opened then).
        self.loading = plain_label(self.tr("Opening the local data…"))
        self.loading.setObjectName("loading")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading)
        self.nav.currentRowChanged.connect(self._show_row)
        # Each later screen (intake, KB, queue, review, callbacks, reports) registers here.
        self.screens: list[Screen] = []

        self._build_menus()
        self._build_status_bar()
        if tasks is not None:
            assert session is not None and client is not None
            self.attach(tasks, session, client, health_check_ms=health_check_ms,
                        sync_ms=sync_ms, reauthenticate=reauthenticate,
                        session_ended=session_ended, forget_token=forget_token)

    def attach(self, tasks: TaskRunner, session: SignedIn, client: CentralClient,
               *, health_check_ms: int = 15_000, sync_ms: int = 30_000,
               reauthenticate: Callable[[], SignedIn | None] | None = None,
               session_ended: SessionEnded | None = None,
               forget_token: Callable[[str, str], None] | None = None) -> None:
        """The session's screens, sync and status, in the frame (once)."""
        assert not self.attached
        from agent_app.sync.accounts import AccountsApi
        from agent_app.sync_controller import SyncController
        from agent_app.ui.intake.screen import IntakeScreen
        from agent_app.ui.kb.panel import KbPanel

        self._reauthenticate = reauthenticate
        self._session_ended = session_ended
        self._forget_token = forget_token or (lambda _server, _user: None)
        self.accounts: AccountsApi = AccountsApi(client)
        self._tasks = tasks
        self._client = client
        self.session = session
        self.sync: SyncController = SyncController(
            tasks, client, signed_in=lambda: bool(self.session.token),
            enabled=session.user.role is not Role.UNIT, health_check_ms=health_check_ms,
            sync_ms=sync_ms, parent=self)

        # Unit accounts (units, streets, dispatch centres) work on the server's queue of their
        # own tickets; they neither take calls nor sync a cache (issue #16).
        self.unit_account = session.user.role is Role.UNIT
        can_veto = session.user.role in (Role.LEAD, Role.ADMIN)  # what the KB search learned
        if self.unit_account:
            from agent_app.ui.unit.workbench import UnitWorkbench

            self.workbench = UnitWorkbench(tasks, unit_code=session.user.unit_code,
                                           get=client.get, post=client.post)
            self.add_screen(Screen("workbench", self.tr("Unit workbench"), self.workbench))
            self.add_screen(Screen("kb", self.tr("Knowledge base"),
                                   build=lambda: _kb_screen(tasks, can_veto=False)))
        self.intake: IntakeScreen = IntakeScreen(tasks, actor=session.user.username,
                                                 kb_panel=KbPanel(tasks, can_veto=can_veto))
        role, actor = session.user.role, session.user.username
        if not self.unit_account:
            self.add_screen(Screen("intake", self.tr("Take a call"), self.intake))
            self.add_screen(Screen("overview", self.tr("Overview"), build=self._build_overview))
            self.add_screen(Screen("reports", self.tr("Reports"),
                                   build=lambda: _reports_screen(tasks, role, actor)))
            self.add_screen(Screen("kb", self.tr("Knowledge base"),
                                   build=lambda: _kb_screen(tasks, can_veto=can_veto)))
            self.add_screen(Screen("queue", self.tr("Tickets"),
                                   build=lambda: _queue_screen(tasks, role, actor)))
        if role in (Role.LEAD, Role.ADMIN):
            self.add_screen(Screen("review", self.tr("Review"),
                                   build=lambda: _review_screen(tasks, role, actor)))
        if role in (Role.OPERATOR, Role.LEAD):
            self.add_screen(Screen("callbacks", self.tr("Callbacks"),
                                   build=lambda: _callback_screen(tasks, role, actor)))
        if role is Role.ADMIN:
            self.add_screen(Screen("users", self.tr("User management"),
                                   build=lambda: _users_screen(tasks, self.accounts, actor)))
        # The loading screen goes once the first screen is in its place.
        self.stack.removeWidget(self.loading)
        self.loading.deleteLater()
        self.nav.setCurrentRow(0)
        if role in (Role.LEAD, Role.ADMIN):  # 热点预警: the lead sees the tickets of a hotspot
            self.intake.smart.hotspot_found.connect(self._alert_hotspot)
            self.intake.smart.risk_found.connect(self._alert_risk)

        self._build_sign_in_banner()
        self._attach_status_bar()
        for action in self._session_actions:
            action.setEnabled(True)
        tasks.failed.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.attached = True
        self.sync.start()

    # What the sync controller knows, as the window has always told it.
    @property
    def online(self) -> bool | None:
        return self.sync.online

    @property
    def syncing(self) -> bool:
        return self.sync.syncing

    @property
    def last_report(self) -> SyncReport | None:
        return self.sync.last_report

    def sync_now(self) -> None:
        self.sync.sync_now()

    def add_screen(self, screen: Screen) -> None:
        self.screens.append(screen)
        item = QListWidgetItem(screen.title)
        item.setData(Qt.ItemDataRole.UserRole, screen.key)
        self.nav.addItem(item)
        # A screen not built yet holds its place in the stack with an empty widget (at its row:
        # the loading screen may still be after them).
        self.stack.insertWidget(len(self.screens) - 1,
                                screen.widget if screen.is_built else QWidget())
        screen.built = self._screen_built
        position = len(self.screens)
        if position <= 9:
            shortcut = QAction(self)
            shortcut.setShortcut(QKeySequence(f"Ctrl+{position}"))
            shortcut.triggered.connect(lambda: self.nav.setCurrentRow(position - 1))
            self.addAction(shortcut)

    def _screen_built(self, screen: Screen) -> None:
        row = self.screens.index(screen)
        placeholder = self.stack.widget(row)
        assert placeholder is not None
        current = self.stack.currentIndex()
        self.stack.insertWidget(row, screen.widget)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        self.stack.setCurrentIndex(current)

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(self.screens):
            self.screens[row].widget  # noqa: B018 (built on first show)
        self.stack.setCurrentIndex(row)

    def _screen(self, key: str) -> QWidget:
        return next(screen.widget for screen in self.screens if screen.key == key)

    @property
    def queue(self) -> QueueScreen:
        return self._screen("queue")  # type: ignore[return-value]

    @property
    def overview(self) -> OverviewScreen:
        return self._screen("overview")  # type: ignore[return-value]

    def _build_overview(self) -> QWidget:
        from agent_app.ui.overview.screen import OverviewScreen

        overview = OverviewScreen(self._tasks)
        # The start-of-shift figures are the queue's views; a figure opens the queue on them.
        queue = self.queue
        queue.counts_changed.connect(overview.set_counts)
        overview.counts_wanted.connect(queue.refresh)
        overview.view_requested.connect(self.open_queue_view)
        return overview

    def _alert_hotspot(self, hotspot: object) -> None:
        from agent_app.ui.intake.proposals import HotspotAlert

        alert = HotspotAlert(hotspot, self)  # type: ignore[arg-type]
        alert.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        alert.show()

    def _alert_risk(self, ticket: object, hits: object) -> None:
        from agent_app.ui.intake.proposals import RiskAlert

        alert = RiskAlert(ticket, hits, self)  # type: ignore[arg-type]
        alert.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        alert.show()

    def _build_menus(self) -> None:
        """In the frame, so that the menu bar is there at the first paint; what needs the
        session waits, disabled, for `attach`."""
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        sync_action = file_menu.addAction(self.tr("&Sync now"))
        sync_action.setShortcut(QKeySequence("F5"))
        sync_action.triggered.connect(self.sync_now)
        problems_action = file_menu.addAction(self.tr("Sync &conflicts and refused changes…"))
        problems_action.triggered.connect(self.show_sync_problems)
        file_menu.addSeparator()
        password_action = file_menu.addAction(self.tr("Change &password…"))
        password_action.setObjectName("change_password_action")
        password_action.triggered.connect(self.change_password)
        switch_action = file_menu.addAction(self.tr("S&witch user (shift handover)…"))
        switch_action.setObjectName("switch_user_action")
        switch_action.setShortcut(QKeySequence("Ctrl+Shift+H"))
        switch_action.triggered.connect(lambda: self.hand_over(next_user=True))
        sign_out_action = file_menu.addAction(self.tr("Sign &out"))
        sign_out_action.setObjectName("sign_out_action")
        sign_out_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        sign_out_action.triggered.connect(lambda: self.hand_over(next_user=False))
        file_menu.addSeparator()
        quit_action = file_menu.addAction(self.tr("&Quit"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        shortcuts_action = help_menu.addAction(self.tr("&Keyboard shortcuts"))
        shortcuts_action.setShortcut(QKeySequence("F1"))
        shortcuts_action.triggered.connect(self.show_shortcuts)
        diagnostics_action = help_menu.addAction(self.tr("Export &diagnostics…"))
        diagnostics_action.triggered.connect(self.export_diagnostics)
        about_action = help_menu.addAction(self.tr("&About"))
        about_action.triggered.connect(self._about)
        self._session_actions = [sync_action, problems_action, password_action, switch_action,
                                 sign_out_action, shortcuts_action, diagnostics_action]
        for action in self._session_actions:
            action.setEnabled(False)

    def _build_sign_in_banner(self) -> None:
        """Nobody has signed in on this PC and the server could not be reached: work goes on
        in the local cache, and this says so until someone signs in."""
        self.sign_in_banner = QToolBar(self)
        self.sign_in_banner.setObjectName("sign_in_banner")
        self.sign_in_banner.setMovable(False)
        self.sign_in_banner.setStyleSheet("QToolBar#sign_in_banner { background: #fdebd0; }")
        self.sign_in_banner.addWidget(plain_label(self.tr(
            "Not signed in: the server could not be reached. Calls you take are kept on this "
            "computer and sent after you sign in.")))
        self.sign_in_banner.addAction(self.tr("Sign in…"), self.sign_in_again)
        self.addToolBar(self.sign_in_banner)
        self.sign_in_banner.setVisible(not self.session.token)

    def _build_status_bar(self) -> None:
        self.connectivity_label = plain_label()
        self.connectivity_label.setObjectName("connectivity")
        self.unsent_label = plain_label()
        self.unsent_label.setObjectName("unsent")
        self.user_label = plain_label()
        self.user_label.setObjectName("signed_in_user")
        self.last_sync_label = plain_label()
        self.last_sync_label.setObjectName("last_sync")
        self.conflicts_label = plain_label()
        self.conflicts_label.setObjectName("conflicts")
        self.conflicts_label.setStyleSheet("color: #d35400; text-decoration: underline;")
        self.conflicts_label.setCursor(Qt.CursorShape.PointingHandCursor)
        self.conflicts_label.setToolTip(self.tr("Open the conflicts and refused changes"))
        self.conflicts_label.installEventFilter(self)
        self.conflicts_label.hide()
        for widget in (self.connectivity_label, self.unsent_label, self.last_sync_label,
                       self.conflicts_label, self.user_label):
            self.statusBar().addPermanentWidget(widget)

    def _attach_status_bar(self) -> None:
        user = self.session.user
        self.user_label.setText(f"{user.display_name or user.username} · {tr_label(user.role)}")
        self.sync.connectivity_shown.connect(self._show_connectivity)
        self.sync.unsent_shown.connect(self.unsent_label.setText)
        self.sync.last_sync_shown.connect(self.last_sync_label.setText)
        self.sync.problems_shown.connect(self._show_problems)
        self.sync.message.connect(self.statusBar().showMessage)
        self.sync.sign_in_needed.connect(self.sign_in_again)
        self.sync.show_connectivity(False if self.session.offline else None)
        if self.session.user.role is Role.UNIT:
            # A unit works on the server's queue: there is no local cache to send or sync.
            self.unsent_label.hide()
            self.last_sync_label.hide()

    def show_screen(self, key: str) -> None:
        row = next(i for i, screen in enumerate(self.screens) if screen.key == key)
        self.nav.setCurrentRow(row)

    def open_queue_view(self, view: SavedView) -> None:
        self.show_screen("queue")
        self.queue.filter_edit.clear()
        self.queue.show_view(view)
        self.queue.table.setFocus()

    def start_call(self, phone: str) -> None:
        """Screen pop from the telephony system: to the front, a new form for this number."""
        if self.unit_account:
            return  # a unit account takes no calls
        self.show_screen("intake")
        self.showNormal()
        self.raise_()
        self.activateWindow()
        self.intake.start_call(phone)

    def shortcut_help(self) -> list[tuple[str, str]]:
        entries = [(f"Ctrl+{i + 1}", screen.title) for i, screen in enumerate(self.screens[:9])]
        current = self.screens[self.stack.currentIndex()].widget
        # The screen on show adds its own keys (the intake form's F-keys).
        screen_keys = getattr(current, "shortcut_help", None)
        if callable(screen_keys):
            entries += screen_keys()
        entries += [("F5", self.tr("Sync now")), ("F1", self.tr("Keyboard shortcuts")),
                    ("Ctrl+Shift+H", self.tr("Switch user (shift handover)")),
                    ("Ctrl+Shift+O", self.tr("Sign out")), ("Ctrl+Q", self.tr("Quit"))]
        return entries

    def show_shortcuts(self) -> None:
        text = "\n".join(f"{keys}\t{what}" for keys, what in self.shortcut_help())
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Keyboard shortcuts"), text,
                          parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def export_diagnostics(self) -> None:
        """Zip logs, version and settings (phones and tokens masked) where the user says."""
        suggested = Path.home() / f"hotline-agent-diagnostics-{datetime.now():%Y%m%d-%H%M}.zip"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export diagnostics"), str(suggested), self.tr("Zip archives (*.zip)"))
        if not chosen:
            return
        from agent_app.diagnostics import export_diagnostics as export

        target, data_dir, log_dir = Path(chosen), self._tasks.db.path.parent, current_log_dir()
        self._tasks.run_db(
            lambda _db: export(target, data_dir=data_dir, log_dir=log_dir),
            on_done=lambda written: self.statusBar().showMessage(
                self.tr("Diagnostics saved to %1").replace("%1", str(written)), 15_000),
            on_error=lambda exc: QMessageBox.warning(
                self, self.tr("Export diagnostics"),
                self.tr("Cannot write %1:\n%2").replace("%1", str(target))
                .replace("%2", failure_text(exc))))

    def _about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("About"),
                          self.tr("12345 Hotline Agent, version %1").replace("%1", __version__),
                          parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.conflicts_label and event.type() == QEvent.Type.MouseButtonRelease:
            self.show_sync_problems()
            return True
        return super().eventFilter(watched, event)

    def show_sync_problems(self) -> None:
        from agent_app.ui.sync_problems import SyncProblemsDialog

        SyncProblemsDialog(self._tasks, self).exec()

    def _show_connectivity(self, text: str, colour: str) -> None:
        self.connectivity_label.setText(text)
        self.connectivity_label.setStyleSheet(f"color: {colour};")

    def _show_problems(self, text: str, problems: int) -> None:
        self.conflicts_label.setText(text)
        self.conflicts_label.setVisible(problems > 0)

    # Accounts and handover ---------------------------------------------------------------
    def change_password(self) -> None:
        if not self.session.token:
            QMessageBox.information(self, self.tr("Change password"), self.tr(
                "Sign in to the server first: a password is changed on the server."))
            return
        from agent_app.ui.accounts.passwords import ChangePasswordDialog

        dialog = ChangePasswordDialog(self._tasks, self.accounts, self.session.user.username,
                                      self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.statusBar().showMessage(self.tr(
                "Password changed. Your other sessions have ended; this one goes on."), 15_000)

    def hand_over(self, *, next_user: bool) -> None:
        """Shift handover (交班) or sign out: what this user has not sent goes to the server
        first, under their own sign-in; only then does the session end. The form being
        typed is saved as a draft, which the next user finds on the intake screen."""
        if self.handing_over or self._closing:
            return
        self.handing_over = True
        self.intake.save_draft(force=True)
        self.sync.pause()
        server, username = self.session.server_url, self.session.user.username
        engine, client, has_token = self.sync.engine, self._client, bool(self.session.token)
        from agent_app.sync.accounts import HandoverResult, hand_over, pending_changes
        from agent_app.sync.client import ApiError
        from agent_app.sync.engine import SyncReport

        def job(db: Database) -> HandoverResult:
            def push() -> None:
                if has_token:
                    engine.push(SyncReport(), lambda _progress: None)
                elif pending_changes(db):
                    raise ApiError(401, "not signed in")  # nothing could send them

            return hand_over(db, push=push, logout=client.logout,
                             forget_token=lambda: self._forget_token(server, username))

        self.statusBar().showMessage(self.tr("Sending your changes before the handover…"))
        self._tasks.run_sync(job, on_done=lambda result: self._handed_over(result, next_user),
                             on_error=lambda exc: self._handed_over(
                                 HandoverResult(ended=False, unsent=-1, reason=exc),
                                 next_user))

    def _handed_over(self, result: HandoverResult, next_user: bool) -> None:
        from agent_app.sync.client import SignedIn

        self.handing_over = False
        self.statusBar().clearMessage()
        if result.ended:
            self.session = SignedIn(self.session.server_url, self.session.user, None)
            self._client.token = None
            if not result.server_told:
                self.statusBar().showMessage(self.tr(
                    "Signed out on this computer; the server could not be told."))
            if self._session_ended is not None:
                self._session_ended(self, next_user)
            else:
                self.close()
            return
        self.sync.resume()
        QMessageBox.warning(self, self.tr("Handover not possible yet"),
                            self.handover_refusal_text(result))

    def handover_refusal_text(self, result: HandoverResult) -> str:
        from agent_app.sync.client import ApiError, ServerUnreachableError

        user = self.session.user.display_name or self.session.user.username
        if result.unsent < 0:  # the handover itself failed before it could count
            why = failure_text(result.reason) if result.reason else ""
            return self.tr("The handover failed: %1. Nothing was deleted and you are still "
                           "signed in.").replace("%1", why)
        if isinstance(result.reason, ServerUnreachableError):
            why = self.tr("the server cannot be reached")
        elif isinstance(result.reason, ApiError) and result.reason.status == 401:
            why = self.tr("you are not signed in to the server")
        elif result.reason is not None:
            why = failure_text(result.reason)
        else:
            why = self.tr("the server did not take them all")
        return (self.tr(
            "%1 change(s) made by %2 have not reached the server (%3). They stay on this "
            "computer as %2's work. So that they are never sent under the next user's name, "
            "%2 stays signed in.\n\nConnect to the network and try again, or quit: the "
            "changes are sent the next time %2 signs in here. The form being typed is kept "
            "as a draft.")
            .replace("%1", str(result.unsent)).replace("%2", user).replace("%3", why))

    def sign_in_again(self) -> None:
        """A dialog over the window: whatever is being typed on the screens stays as it is."""
        if self._reauthenticate is None or self._reauthenticating or self._closing:
            return
        self._reauthenticating = True
        try:
            renewed = self._reauthenticate()
        finally:
            self._reauthenticating = False
        if renewed is None:
            return
        if renewed.user.username != self.session.user.username and self.session.token:
            # This window, its screens and its unsent work are the signed-in user's; another
            # user takes over through the handover, which sends that work first.
            QMessageBox.warning(self, self.tr("Sign in again"), self.tr(
                "Sign in again as %1 to send your changes. To hand the computer over to "
                "someone else, use File › Switch user.").replace(
                "%1", self.session.user.username))
            return
        self.session = renewed
        self._client.token = renewed.token
        self.sign_in_banner.setVisible(not renewed.token)
        self.statusBar().clearMessage()
        self.sync_now()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._closing = True
        if self.attached:
            self.sync.stop()  # a running sync stops at its next page
        super().closeEvent(event)


# The screens built on first use, with the modules they need imported then.
def _kb_screen(tasks: TaskRunner, *, can_veto: bool) -> QWidget:
    from agent_app.ui.kb.screen import KbScreen

    return KbScreen(tasks, can_veto=can_veto)


def _queue_screen(tasks: TaskRunner, role: Role, actor: str) -> QWidget:
    from agent_app.ui.queue.screen import QueueScreen

    return QueueScreen(tasks, role=role, actor=actor)


def _reports_screen(tasks: TaskRunner, role: Role, actor: str) -> QWidget:
    from agent_app.ui.reports.screen import ReportsScreen

    return ReportsScreen(tasks, role=role, actor=actor)


def _review_screen(tasks: TaskRunner, role: Role, actor: str) -> QWidget:
    from agent_app.ui.review.screen import ReviewScreen

    return ReviewScreen(tasks, role=role, actor=actor)


def _callback_screen(tasks: TaskRunner, role: Role, actor: str) -> QWidget:
    from agent_app.ui.callback.screen import CallbackScreen

    return CallbackScreen(tasks, role=role, actor=actor)


def _users_screen(tasks: TaskRunner, accounts: AccountsApi, actor: str) -> QWidget:
    from agent_app.ui.accounts.users_screen import UsersScreen

    return UsersScreen(tasks, accounts, actor=actor)
