"""Sync orchestration and its status, beside the tasks runner: when to sync (a timer, soon
after a local change, on F5), running it on the sync thread, whether the server answers, and
what the status bar says about it — online or not, unsent changes, the last sync, conflicts,
errors, an expired sign-in, a server restored from a backup, rows set aside.

The main window only shows what this says (its labels follow the signals) and asks it to
sync; Qt is here only for the timers, the signals and the translated texts (they keep the
main window's translation context, where they were written first).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.changes import OpChanges, Topic
from agent_app.storage.database import Database
from agent_app.sync.client import (
    ApiError,
    CentralClient,
    ServerAnswerError,
    ServerUnreachableError,
    TlsError,
)
from agent_app.sync.engine import LAST_SYNC_KEY, SyncEngine, SyncGapError, SyncReport
from agent_app.tasks import TaskRunner

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class SyncStatus:
    unsent: int
    conflicts: int
    rejected: int
    last_sync_at: datetime | None


def load_sync_status(db: Database) -> SyncStatus:
    with db.unit_of_work() as uow:
        last = uow.meta.get(LAST_SYNC_KEY)
        return SyncStatus(
            unsent=uow.outbox.pending_count(),
            conflicts=uow.conflicts.open_count() + uow.conflicts.quarantined_count(),
            rejected=uow.outbox.rejected_count(),
            last_sync_at=datetime.fromisoformat(last) if last else None,
        )


class SyncController(QObject):
    connectivity_shown = Signal(str, str)  # the text, its colour
    unsent_shown = Signal(str)
    last_sync_shown = Signal(str)
    problems_shown = Signal(str, int)  # the text, how many conflicts and refused changes
    message = Signal(str, int)  # for the status bar, shown for so many ms (0: until replaced)
    sign_in_needed = Signal()  # the server no longer takes this sign-in

    def __init__(self, tasks: TaskRunner, client: CentralClient, *,
                 signed_in: Callable[[], bool], enabled: bool = True,
                 health_check_ms: int = 15_000, sync_ms: int = 30_000,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._client = client
        self._signed_in = signed_in
        # Unit accounts work on the server's queue: no cache to sync.
        self._enabled = enabled
        # A long pull decodes and stores in a process of its own, so that the window keeps
        # answering while 100k changes arrive (a short one stays on the sync thread).
        self.engine = SyncEngine(tasks.db, client, pull_in_worker=True)
        self.online: bool | None = None
        self.syncing = False
        self.paused = False  # a handover sends the outbox itself
        self.last_report: SyncReport | None = None
        self._closing = False

        self._health_timer = QTimer(self)
        self._health_timer.setInterval(health_check_ms)
        self._health_timer.timeout.connect(self.check_connectivity)
        self._sync_timer = QTimer(self)
        self._sync_timer.setInterval(sync_ms)
        self._sync_timer.timeout.connect(self.sync_now)
        # A local change is sent a moment after it is made, not at the next tick.
        self._sync_soon = QTimer(self)
        self._sync_soon.setSingleShot(True)
        self._sync_soon.setInterval(1500)
        self._sync_soon.timeout.connect(self.sync_now)

    @property
    def closing(self) -> bool:
        return self._closing

    def start(self) -> None:
        """Follow the changes, show the status, and begin: a health check and a sync now."""
        self._tasks.changes.connect(self._on_changes)
        self.refresh_status()
        self._health_timer.start()
        self._sync_timer.start()
        self.check_connectivity()
        self.sync_now()

    def pause(self) -> None:
        self.paused = True
        for timer in (self._sync_timer, self._sync_soon, self._health_timer):
            timer.stop()

    def resume(self) -> None:
        self.paused = False
        for timer in (self._sync_timer, self._health_timer):
            timer.start()
        self.refresh_status()

    def stop(self) -> None:
        """The window closes: a running sync stops at its next page, nothing new starts."""
        self._closing = True
        for timer in (self._health_timer, self._sync_timer, self._sync_soon):
            timer.stop()

    # Connectivity ---------------------------------------------------------------------------
    def check_connectivity(self) -> None:
        self._tasks.run_net(self._client.health,
                            on_done=lambda _reply: self.show_connectivity(True),
                            on_error=lambda _exc: self.show_connectivity(False))

    def show_connectivity(self, online: bool | None) -> None:
        changed = online != self.online
        self.online = online
        if online is None:
            text, colour = QCoreApplication.translate("MainWindow", "● Connecting…"), "#7f8c8d"
        elif online:
            text, colour = QCoreApplication.translate("MainWindow", "● Online"), "#27ae60"
        else:
            text = QCoreApplication.translate("MainWindow",
                                              "● Offline — changes are kept and sent later")
            colour = "#c0392b"
        self.connectivity_shown.emit(text, colour)
        if changed and online is not None:
            # Not a write to the cache: said here, where it is learned.
            self._tasks.notify(Topic.CONNECTIVITY)

    # Sync -----------------------------------------------------------------------------------
    def sync_now(self) -> None:
        """Push and pull in the background; a sync already running is not started twice."""
        if (self.syncing or self._closing or self.paused or not self._signed_in()
                or not self._enabled):
            return
        self.syncing = True
        self.last_sync_shown.emit(QCoreApplication.translate("MainWindow", "Syncing…"))
        self._tasks.run_sync(lambda _db: self.engine.sync_once(cancel=lambda: self._closing),
                             on_done=self._sync_done, on_error=self._sync_failed)

    def _sync_done(self, report: SyncReport) -> None:
        self.syncing = False
        self.last_report = report
        self.show_connectivity(True)
        if report.rejected:
            from agent_app.ui.ticket.commands import refusal_text

            self.message.emit(
                QCoreApplication.translate(
                    "MainWindow",
                    "%1 change(s) refused by the server: %2")
                .replace("%1", str(len(report.rejected)))
                .replace("%2", refusal_text(report.rejected[0][1])),
                15_000)

    def _sync_failed(self, exc: BaseException) -> None:
        self.syncing = False
        self.refresh_status()
        if isinstance(exc, TlsError):
            # Shown as offline too, but a network coming back will not cure it: say so.
            self.show_connectivity(False)
            log.warning("the server could not be verified: %s", exc)
            self.message.emit(
                QCoreApplication.translate(
                    "MainWindow",
                    "The server could not be verified as genuine, so nothing is sent; "
                    "changes are kept. Ask IT to check the server's certificate and the "
                    "CA bundle (ca_bundle); details are in the log."), 0)
        elif isinstance(exc, ServerAnswerError):
            self.show_connectivity(False)
            self.message.emit(
                QCoreApplication.translate(
                    "MainWindow",
                    "The server's answer was not understood; changes are kept and the "
                    "next sync tries again. If it persists, tell IT."), 15_000)
        elif isinstance(exc, ServerUnreachableError):
            self.show_connectivity(False)
        elif isinstance(exc, ApiError) and exc.status == 401:
            self.message.emit(
                QCoreApplication.translate(
                    "MainWindow",
                    "Your sign-in has expired: changes are kept; sign in again to send "
                    "them."), 0)
            self.sign_in_needed.emit()
        elif isinstance(exc, SyncGapError):
            self.message.emit(
                QCoreApplication.translate(
                    "MainWindow",
                    "The server is missing earlier changes from this PC. Nothing was "
                    "deleted; please contact IT."), 0)
        else:
            # Never the exception's own text: a database error quotes SQL and values.
            log.error("sync failed: %s", type(exc).__name__)
            self.message.emit(
                QCoreApplication.translate(
                    "MainWindow",
                    "Sync failed; changes are kept and the next sync tries again. "
                    "Details are in the log."), 15_000)

    # Status ---------------------------------------------------------------------------------
    def refresh_status(self) -> None:
        self._tasks.run_db(load_sync_status, on_done=self._show_status)

    def _show_status(self, status: SyncStatus) -> None:
        self.unsent_shown.emit(QCoreApplication.translate("MainWindow", "Unsent changes: %1")
                               .replace("%1", str(status.unsent)))
        if status.last_sync_at is None:
            self.last_sync_shown.emit(QCoreApplication.translate("MainWindow", "Never synced"))
        elif not self.syncing:
            local = status.last_sync_at.astimezone(CHINA_TZ)
            self.last_sync_shown.emit(
                QCoreApplication.translate(
                    "MainWindow",
                    "Last sync: %1")
                .replace("%1", local.strftime("%H:%M:%S")))
        problems = status.conflicts + status.rejected
        self.problems_shown.emit(QCoreApplication.translate("MainWindow", "Conflicts: %1")
                                 .replace("%1", str(problems)), problems)

    def _on_changes(self, changes: OpChanges) -> None:
        if changes.touches(Topic.OUTBOX, Topic.TICKETS, Topic.SYNC):
            self.refresh_status()
        # Ticket work goes out at once (a dispatch is waited for); what the KB search learned
        # and KB corrections ride the next regular sync instead of one sync per article opened.
        if changes.touches(Topic.OUTBOX) and changes.touches(Topic.TICKETS) \
                and not changes.touches(Topic.SYNC):
            self._sync_soon.start()
