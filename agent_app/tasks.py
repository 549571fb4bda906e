"""The only bridge from Qt to storage, sync and search.

One DB worker thread (SQLite has one writer; serialising here means no lock waits) and a small
network pool. Work never runs on the GUI thread: callers pass a function and get its result
back on the GUI thread, and every successful task that changed something emits one `changes`
signal that views react to (Anki's "ops return what changed").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from agent_app.storage.database import Database

log = logging.getLogger(__name__)

T = TypeVar("T")


class Topic(StrEnum):
    """What a task changed; views refresh only for the topics they show."""

    TICKETS = "tickets"
    OUTBOX = "outbox"
    DRAFTS = "drafts"
    KB = "kb"
    CONNECTIVITY = "connectivity"
    SYNC = "sync"
    REFERENCE = "reference"  # catalogues, routing, deadline policy, calendar


@dataclass(frozen=True)
class Changes:
    topics: frozenset[Topic]

    def touches(self, *topics: Topic) -> bool:
        return not self.topics.isdisjoint(topics)


@dataclass(frozen=True)
class _Outcome:
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    topics: frozenset[Topic]
    result: Any = None
    error: BaseException | None = None


class TaskRunner(QObject):
    changes = Signal(object)  # Changes
    failed = Signal(str)  # a message for the status bar when a task had no error handler
    _finished = Signal(object)  # _Outcome, emitted from worker threads, delivered on the GUI thread

    def __init__(self, db: Database, *, network_workers: int = 4,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._db_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-worker")
        self._net_pool = ThreadPoolExecutor(max_workers=network_workers,
                                            thread_name_prefix="net")
        # Sync talks to the network and writes pages to the cache; it gets a thread of its own
        # so a slow server never holds up the DB worker (SQLite's busy timeout orders the two
        # writers, whose transactions are short).
        self._sync_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync")
        self._closed = False
        self._finished.connect(self._deliver)

    def run_db(self, job: Callable[[Database], T], *, on_done: Callable[[T], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               changes: frozenset[Topic] = frozenset()) -> Future[T]:
        """Run `job(db)` on the DB worker; `on_done(result)` then runs on the GUI thread."""
        return self._submit(self._db_pool, lambda: job(self.db), on_done, on_error, changes)

    def run_net(self, job: Callable[[], T], *, on_done: Callable[[T], None] | None = None,
                on_error: Callable[[BaseException], None] | None = None,
                changes: frozenset[Topic] = frozenset()) -> Future[T]:
        """Run a network call on the pool; it must set its own timeouts."""
        return self._submit(self._net_pool, job, on_done, on_error, changes)

    def run_sync(self, job: Callable[[Database], T], *,
                 on_done: Callable[[T], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None,
                 changes: frozenset[Topic] = frozenset()) -> Future[T]:
        """Run `job(db)` on the sync thread: one sync at a time, off the DB worker."""
        return self._submit(self._sync_pool, lambda: job(self.db), on_done, on_error, changes)

    def notify(self, *topics: Topic) -> None:
        """For changes that did not come from a task (e.g. the signed-in user)."""
        self.changes.emit(Changes(frozenset(topics)))

    def shutdown(self, *, wait: bool = True) -> None:
        self._closed = True
        self._net_pool.shutdown(wait=False, cancel_futures=True)
        self._sync_pool.shutdown(wait=wait, cancel_futures=True)
        self._db_pool.shutdown(wait=wait, cancel_futures=False)

    def _submit(self, pool: ThreadPoolExecutor, call: Callable[[], T],
                on_done: Callable[[T], None] | None,
                on_error: Callable[[BaseException], None] | None,
                topics: frozenset[Topic]) -> Future[T]:
        if self._closed:
            # A timer firing while the app quits: nothing to run, nothing to report.
            cancelled: Future[T] = Future()
            cancelled.cancel()
            return cancelled
        future = pool.submit(call)

        def finished(done: Future[T]) -> None:
            if self._closed or done.cancelled():
                return
            error = done.exception()
            outcome = _Outcome(on_done, on_error, topics,
                               None if error else done.result(), error)
            self._finished.emit(outcome)

        future.add_done_callback(finished)
        return future

    @Slot(object)
    def _deliver(self, outcome: _Outcome) -> None:
        if self._closed:
            return
        if outcome.error is not None:
            if outcome.on_error is not None:
                outcome.on_error(outcome.error)
            else:
                log.error("background task failed", exc_info=outcome.error)
                self.failed.emit(str(outcome.error))
            return
        if outcome.on_done is not None:
            outcome.on_done(outcome.result)
        if outcome.topics:
            self.changes.emit(Changes(outcome.topics))
