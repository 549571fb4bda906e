"""The only bridge from Qt to storage, sync and search.

One DB worker thread (SQLite has one writer; serialising here means no lock waits) and a small
network pool. Work never runs on the GUI thread: callers pass a function and get its result
back on the GUI thread. What a task's units of work committed is recorded as it happens
(storage/changes.py) and published as one `changes` signal (an OpChanges) that views react
to — Anki's "ops return what changed"; no caller names the topics itself.

The reference data (catalogues, routing, deadline policy, calendar) is held here, once for
every screen and command, and loaded again only after a change touched it.
"""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

from agent_app.core.changes import OpChanges, Topic
from agent_app.core.reference import ReferenceData
from agent_app.storage.changes import committed_before
from agent_app.storage.database import Database
from agent_app.storage.reference import load_reference

log = logging.getLogger(__name__)

T = TypeVar("T")

# The names views used before OpChanges had a home of its own.
Changes = OpChanges
__all__ = ["Changes", "OpChanges", "TaskRunner", "Topic"]


@dataclass(frozen=True)
class _Outcome:
    task: int  # the key of its handlers in TaskRunner._handlers
    changes: OpChanges
    result: Any = None
    error: BaseException | None = None


class TaskRunner(QObject):
    changes = Signal(object)  # OpChanges
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
        # Each task's on_done and on_error, and its job, kept here on the GUI thread and not
        # in what the worker holds: they are often a widget's methods or closures over one,
        # and the last reference to a widget must not go away on a worker thread (Qt then
        # deletes the widget there, and crashes).
        self._handlers: dict[int, tuple[Callable[[Any], None] | None,
                                        Callable[[BaseException], None] | None,
                                        list[Callable[..., Any]]]] = {}
        self._task_numbers = itertools.count()
        self._finished.connect(self._deliver)
        # Read and written on the DB worker; dropped on the GUI thread when a change touched
        # it (the generation keeps a load that began before from being kept after).
        self._reference_lock = threading.Lock()
        self._reference: ReferenceData | None = None
        self._reference_generation = 0
        self.reference_loads = 0  # how often the six documents were read (measured)

    def run_db(self, job: Callable[[Database], T], *, on_done: Callable[[T], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               changes: frozenset[Topic] = frozenset()) -> Future[T]:
        """Run `job(db)` on the DB worker; `on_done(result)` then runs on the GUI thread,
        and what the job committed is published. `changes` only adds topics no unit of work
        records (tests that stand in for a sync)."""
        return self._submit(self._db_pool, job, on_done, on_error, changes)

    def run_net(self, job: Callable[[], T], *, on_done: Callable[[T], None] | None = None,
                on_error: Callable[[BaseException], None] | None = None,
                changes: frozenset[Topic] = frozenset()) -> Future[T]:
        """Run a network call on the pool; it must set its own timeouts."""
        return self._submit(self._net_pool, job, on_done, on_error, changes, uses_db=False)

    def run_sync(self, job: Callable[[Database], T], *,
                 on_done: Callable[[T], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None,
                 changes: frozenset[Topic] = frozenset()) -> Future[T]:
        """Run `job(db)` on the sync thread: one sync at a time, off the DB worker."""
        return self._submit(self._sync_pool, job, on_done, on_error, changes)

    # Reference data ---------------------------------------------------------------------
    def reference(self, db: Database) -> ReferenceData:
        """The reference data, loaded at most once until a change touches it. Call it in a
        job on the DB worker: `run_db(lambda db: op(db, reference=tasks.reference(db)))`."""
        with self._reference_lock:
            if self._reference is not None:
                return self._reference
            generation = self._reference_generation
        loaded = load_reference(db)
        with self._reference_lock:
            self.reference_loads += 1
            if generation == self._reference_generation:
                self._reference = loaded
        return loaded

    def with_reference(self, on_done: Callable[[ReferenceData], None]) -> None:
        """`on_done(reference)` on the GUI thread, in order with the DB jobs asked for
        before and after (a screen's first look-ups find it set)."""
        self.run_db(self.reference, on_done=on_done)

    def _reference_changed(self) -> None:
        with self._reference_lock:
            self._reference = None
            self._reference_generation += 1

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
        """For changes that did not come from a task (e.g. the server became reachable)."""
        # Which tickets is not known here: views reload what they show.
        self.publish(OpChanges.of(*topics, ticket_ids=None if Topic.TICKETS in topics else ()))

    def publish(self, changes: OpChanges) -> None:
        """Tell the views (on the GUI thread); the held reference data goes first if the
        change touched it, so a view reacting to REFERENCE gets the new one."""
        if changes.touches(Topic.REFERENCE):
            self._reference_changed()
        if changes:
            self.changes.emit(changes)

    def shutdown(self, *, wait: bool = True) -> None:
        self._closed = True
        for _pool, _call, future in self._held or []:
            future.cancel()
        self._held = None
        self._handlers.clear()
        self._net_pool.shutdown(wait=False, cancel_futures=True)
        self._sync_pool.shutdown(wait=wait, cancel_futures=True)
        self._db_pool.shutdown(wait=wait, cancel_futures=False)

    def _submit(self, pool: ThreadPoolExecutor, job: Callable[..., T],
                on_done: Callable[[T], None] | None,
                on_error: Callable[[BaseException], None] | None,
                topics: frozenset[Topic], *, uses_db: bool = True) -> Future[T]:
        if self._closed:
            # A timer firing while the app quits: nothing to run, nothing to report.
            cancelled: Future[T] = Future()
            cancelled.cancel()
            return cancelled
        task = next(self._task_numbers)
        recorded: list[OpChanges] = []  # filled on the worker, read once the job is done
        # The job is let go on the GUI thread, like its handlers: a closure over a widget
        # whose last reference went on the worker would have Qt delete the widget there.
        holding = [job]

        def call() -> T:
            run = holding[0]
            try:
                if not uses_db:
                    return run()
                try:
                    done = self.db.run_op(run)
                except BaseException as failure:
                    # What committed before a failure (a sync's first pages) did change.
                    recorded.append(committed_before(failure))
                    raise
                recorded.append(done.changes)
                return done.value
            except BaseException as failure:
                # The traceback's frames hold the job's variables (a dialog, say) for as long
                # as the future keeps the error, and the future goes away on the worker.
                traceback.clear_frames(failure.__traceback__)
                raise
            finally:
                del run

        if self._held is not None and pool is not self._db_pool:
            future: Future[T] = Future()  # pending until released (or cancelled at shutdown)
            self._held.append((pool, call, future))
        else:
            future = pool.submit(call)
        self._handlers[task] = (on_done, on_error, holding)
        extra = OpChanges(topics, None if Topic.TICKETS in topics else frozenset())

        def finished(done: Future[T]) -> None:
            if self._closed or done.cancelled():
                return
            error = done.exception()
            changes = OpChanges() if error else extra
            for change in recorded:
                changes = changes | change
            self._finished.emit(_Outcome(task, changes, None if error else done.result(),
                                         error))

        future.add_done_callback(finished)
        return future

    @Slot(object)
    def _deliver(self, outcome: _Outcome) -> None:
        if self._closed:
            return
        on_done, on_error, holding = self._handlers.pop(outcome.task, (None, None, []))
        holding.clear()  # the worker let go of the job before it reported
        on_done, on_error = _alive(on_done), _alive(on_error)
        if outcome.error is not None:
            if on_error is not None:
                on_error(outcome.error)
            else:
                log.error("background task failed", exc_info=outcome.error)
                self.failed.emit(str(outcome.error))
        elif on_done is not None:
            on_done(outcome.result)
        self.publish(outcome.changes)


def _alive(handler: Callable[[Any], None] | None) -> Callable[[Any], None] | None:
    """A widget's method, for a widget deleted while its job ran (a screen closed): the
    result has nobody to go to."""
    owner = getattr(handler, "__self__", None)
    if isinstance(owner, QObject) and not shiboken6.isValid(owner):
        return None
    return handler


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
