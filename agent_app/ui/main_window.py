"""Main window: navigation to the screens, and a status bar that always answers
"am I online, is anything waiting to be sent, who am I"."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from agent_app import __version__
from agent_app.storage.database import Database
from agent_app.sync.client import CentralClient, SignedIn
from agent_app.tasks import Changes, TaskRunner, Topic
from agent_app.ui.i18n import tr_label
from agent_app.ui.overview.screen import OverviewScreen
from agent_app.ui.widgets import plain_label


def _pending_mutations(db: Database) -> int:
    with db.unit_of_work() as uow:
        return uow.outbox.pending_count()


@dataclass
class Screen:
    key: str
    title: str
    widget: QWidget


class MainWindow(QMainWindow):
    def __init__(self, tasks: TaskRunner, session: SignedIn, client: CentralClient,
                 *, health_check_ms: int = 15_000, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._client = client
        self.session = session
        self.online: bool | None = None
        self.setWindowTitle(self.tr("12345 Hotline Agent"))
        self.resize(1100, 700)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(180)
        self.nav.setStyleSheet("QListWidget#navigation::item { padding: 8px 6px; }")
        self.stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)

        # Each later screen (intake, KB, queue, review, callbacks, reports) registers here.
        self.screens: list[Screen] = []
        self.add_screen(Screen("overview", self.tr("Overview"), OverviewScreen(tasks)))
        self.nav.setCurrentRow(0)

        self._build_menus()
        self._build_status_bar()
        tasks.changes.connect(self._on_changes)
        tasks.failed.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self._refresh_unsent()

        self._health_timer = QTimer(self)
        self._health_timer.setInterval(health_check_ms)
        self._health_timer.timeout.connect(self.check_connectivity)
        self._health_timer.start()
        self.check_connectivity()

    def add_screen(self, screen: Screen) -> None:
        self.screens.append(screen)
        item = QListWidgetItem(screen.title)
        item.setData(Qt.ItemDataRole.UserRole, screen.key)
        self.nav.addItem(item)
        self.stack.addWidget(screen.widget)
        position = len(self.screens)
        if position <= 9:
            shortcut = QAction(self)
            shortcut.setShortcut(QKeySequence(f"Ctrl+{position}"))
            shortcut.triggered.connect(lambda: self.nav.setCurrentRow(position - 1))
            self.addAction(shortcut)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        quit_action = file_menu.addAction(self.tr("&Quit"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        shortcuts_action = help_menu.addAction(self.tr("&Keyboard shortcuts"))
        shortcuts_action.setShortcut(QKeySequence("F1"))
        shortcuts_action.triggered.connect(self.show_shortcuts)
        about_action = help_menu.addAction(self.tr("&About"))
        about_action.triggered.connect(self._about)

    def _build_status_bar(self) -> None:
        self.connectivity_label = plain_label()
        self.connectivity_label.setObjectName("connectivity")
        self.unsent_label = plain_label()
        self.unsent_label.setObjectName("unsent")
        user = self.session.user
        self.user_label = plain_label(f"{user.display_name or user.username} · "
                                      f"{tr_label(user.role)}")
        self.user_label.setObjectName("signed_in_user")
        for widget in (self.connectivity_label, self.unsent_label, self.user_label):
            self.statusBar().addPermanentWidget(widget)
        self._show_connectivity(False if self.session.offline else None)

    def shortcut_help(self) -> list[tuple[str, str]]:
        entries = [(f"Ctrl+{i + 1}", screen.title) for i, screen in enumerate(self.screens[:9])]
        entries += [("F1", self.tr("Keyboard shortcuts")), ("Ctrl+Q", self.tr("Quit"))]
        return entries

    def show_shortcuts(self) -> None:
        text = "\n".join(f"{keys}\t{what}" for keys, what in self.shortcut_help())
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Keyboard shortcuts"), text,
                          parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def _about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("About"),
                          self.tr("12345 Hotline Agent, version %1").replace("%1", __version__),
                          parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def check_connectivity(self) -> None:
        self._tasks.run_net(self._client.health,
                            on_done=lambda _reply: self._show_connectivity(True),
                            on_error=lambda _exc: self._show_connectivity(False))

    def _show_connectivity(self, online: bool | None) -> None:
        changed = online != self.online
        self.online = online
        if online is None:
            text, colour = self.tr("● Connecting…"), "#7f8c8d"
        elif online:
            text, colour = self.tr("● Online"), "#27ae60"
        else:
            text, colour = self.tr("● Offline — changes are kept and sent later"), "#c0392b"
        self.connectivity_label.setText(text)
        self.connectivity_label.setStyleSheet(f"color: {colour};")
        if changed and online is not None:
            self._tasks.notify(Topic.CONNECTIVITY)

    def _refresh_unsent(self) -> None:
        self._tasks.run_db(_pending_mutations, on_done=self._show_unsent)

    def _show_unsent(self, count: int) -> None:
        self.unsent_label.setText(self.tr("Unsent changes: %1").replace("%1", str(count)))

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(Topic.OUTBOX, Topic.TICKETS):
            self._refresh_unsent()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._health_timer.stop()
        super().closeEvent(event)
