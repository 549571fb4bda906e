"""The only bridge from Qt to storage, sync and search.

One DB worker thread (SQLite has one writer; serialising here means no lock waits) and a small
network pool. Work never runs on the GUI thread: callers pass a function and get its result
back on the GUI thread, and every successful task that changed something emits one `changes`
signal that views react to (Anki's "ops return what changed").
"""

from __future__ import annotations

import itertools
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
    task: int  # the key of its handlers in TaskRunner._handlers
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
        # Network and sync jobs asked for while held (the start-up, until the first paint):
        # they import requests, pypinyin and more, and would take the interpreter from the
        # GUI thread while it builds and paints the window.
        self._held: list[tuple[ThreadPoolExecutor, Callable[[], Any], Future[Any]]] | None = None
        # Each task's on_done and on_error, kept here on the GUI thread and not in what the
        # worker holds: they are often a widget's methods, and the last reference to a widget
        # must not go away on a worker thread (Qt then deletes the widget there, and crashes).
        self._handlers: dict[int, tuple[Callable[[Any], None] | None,
                                        Callable[[BaseException], None] | None]] = {}
        self._task_numbers = itertools.count()
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

    def hold_background(self) -> None:
        """Network and sync jobs wait (queued, in order) until `release_background`."""
        if self._held is None:
            self._held = []

    def release_background(self) -> None:
        held, self._held = self._held or [], None
        for pool, call, future in held:
            if future.cancelled():
                continue
            try:
                real = pool.submit(call)
            except RuntimeError:  # shut down meanwhile
                future.cancel()
                continue
            real.add_done_callback(lambda done, waiting=future: _copy_outcome(done, waiting))

    def notify(self, *topics: Topic) -> None:
        """For changes that did not come from a task (e.g. the signed-in user)."""
        self.changes.emit(Changes(frozenset(topics)))

    def shutdown(self, *, wait: bool = True) -> None:
        self._closed = True
        for _pool, _call, future in self._held or []:
            future.cancel()
        self._held = None
        self._handlers.clear()
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
        if self._held is not None and pool is not self._db_pool:
            future: Future[T] = Future()  # pending until released (or cancelled at shutdown)
            self._held.append((pool, call, future))
        else:
            future = pool.submit(call)
        task = next(self._task_numbers)
        self._handlers[task] = (on_done, on_error)

        def finished(done: Future[T]) -> None:
            if self._closed or done.cancelled():
                return
            error = done.exception()
            self._finished.emit(_Outcome(task, topics, None if error else done.result(), error))

        future.add_done_callback(finished)
        return future

    @Slot(object)
    def _deliver(self, outcome: _Outcome) -> None:
        if self._closed:
            return
        on_done, on_error = self._handlers.pop(outcome.task, (None, None))
        if outcome.error is not None:
            if on_error is not None:
                on_error(outcome.error)
            else:
                log.error("background task failed", exc_info=outcome.error)
                self.failed.emit(str(outcome.error))
            return
        if on_done is not None:
            on_done(outcome.result)
        if outcome.topics:
            self.changes.emit(Changes(outcome.topics))


def _copy_outcome(done: Future[Any], waiting: Future[Any]) -> None:
    """A held job ran: its outcome becomes that of the future handed out when it was asked for."""
    if done.cancelled():
        waiting.cancel()
        return
    error = done.exception()
    if error is not None:
        waiting.set_exception(error)
    else:
        waiting.set_result(done.result())
