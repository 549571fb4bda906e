"""A long pull (a new PC's first sync, a resync after a restore) in a process of its own.

Decoding pages, building tickets, checking them and writing rows holds the interpreter lock;
on the sync thread that starves the GUI thread of it (a 10 ms timer saw 100–230 ms gaps). In a
worker process the GUI's interpreter only waits on a pipe. The worker runs the very same
`SyncEngine.pull` on its own connection to the same cache file, so every guarantee stays:
each page commits with its cursor, unstorable rows are quarantined, epochs and recoveries are
handled there. Killed at any moment it leaves a cache the next sync resumes from; it stops by
itself between pages once the process that started it is gone.

No Qt, and nothing GUI-side: the sync thread calls `pull_in_worker` and waits.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import pickle
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent_app.sync.engine import ProgressCallback, SyncEngine, SyncReport

log = logging.getLogger(__name__)

# How often the waiting sync thread looks at cancel() and at the worker's health.
_POLL_SECONDS = 0.1


class PullWorkerError(RuntimeError):
    """The worker process stopped without an answer (killed, out of memory): what it
    committed stands, and the next sync goes on from there."""


@dataclass(frozen=True)
class PullJob:
    """All a worker needs to open the cache and talk to the server as this engine does."""

    db_path: str
    encrypted: bool
    base_url: str
    ca_bundle: str | None
    token: str | None
    timeout: tuple[float, float]
    retries: int
    backoff: float
    page_size: int


def worker_can_start() -> bool:
    """A frozen build (the installers') would start the whole app again as the worker unless
    its entry point called multiprocessing.freeze_support() first; until it does, its pulls
    stay on the sync thread."""
    return not getattr(sys, "frozen", False)


def pull_in_worker(engine: SyncEngine, report: SyncReport, progress: ProgressCallback,
                   cancel: Callable[[], bool]) -> None:
    """`engine.pull` then `engine.pull_kb` in a worker process; its report is added to
    `report`, its error raised here. Cancelling stops the worker after the page it is
    applying."""
    from agent_app.sync.engine import SyncCancelledError, SyncProgress

    client = engine.client
    job = PullJob(db_path=str(engine.db.path), encrypted=engine.db.encrypted,
                  base_url=client.base_url, ca_bundle=client.ca_bundle, token=client.token,
                  timeout=client.timeout, retries=client.retries, backoff=client.backoff,
                  page_size=engine.page_size)
    # spawn, not fork: this process has Qt and other threads, which a fork would copy broken.
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    worker = context.Process(target=_work, args=(theirs, job), name="pull-worker", daemon=True)
    worker.start()
    theirs.close()
    already = report.pulled
    cancelled = False
    try:
        while True:
            if not cancelled and cancel():
                ours.send(("cancel",))
                cancelled = True
            if not ours.poll(_POLL_SECONDS):
                if not worker.is_alive() and not ours.poll(0):
                    raise PullWorkerError(f"the pull worker stopped (exit code "
                                          f"{worker.exitcode})")
                continue
            try:
                message = ours.recv()
            except EOFError:
                worker.join(5)
                raise PullWorkerError(f"the pull worker stopped (exit code "
                                      f"{worker.exitcode})") from None
            kind = message[0]
            if kind == "progress":
                phase, done = message[1], message[2]
                progress(SyncProgress(phase, done + (already if phase == "pull" else 0), None))
            elif kind == "log":
                logging.getLogger(message[1]).log(message[2], "%s", message[3])
            elif kind == "done":
                _add_report(report, message[1])
                _remember_names(message[2])
                return
            elif kind == "error":
                _add_report(report, message[1])
                raise _rebuilt(message[2])
            elif kind == "cancelled":
                _add_report(report, message[1])
                raise SyncCancelledError
    finally:
        ours.close()
        worker.join(10)
        if worker.is_alive():  # it did not stop after its page: it holds no promise to keep
            worker.kill()
            worker.join()


def _add_report(report: SyncReport, counts: dict[str, Any]) -> None:
    for item in fields(report):
        value = counts.get(item.name)
        if isinstance(value, bool):
            setattr(report, item.name, getattr(report, item.name) or value)
        elif isinstance(value, int):
            setattr(report, item.name, getattr(report, item.name) + value)
        elif isinstance(value, list):
            getattr(report, item.name).extend(tuple(v) for v in value)


def _remember_names(names: list[str]) -> None:
    """The confidential callers the worker met: this process's log lines mask them too."""
    from agent_app.core.masking import remember_confidential_name

    for name in names:
        remember_confidential_name(name)


def _error_payload(exc: BaseException) -> tuple[str, Any]:
    """An exception in a form that crosses the pipe and comes back as the same kind."""
    from agent_app.sync.client import ApiError

    if isinstance(exc, ApiError):
        return ("api", (exc.status, exc.message, exc.field, exc.code, exc.values,
                        exc.sentence))
    try:
        pickle.loads(pickle.dumps(exc))
        return ("pickled", exc)
    except Exception:  # any exception that cannot cross is described instead
        return ("other", type(exc).__name__)


def _rebuilt(payload: tuple[str, Any]) -> BaseException:
    from agent_app.sync.client import ApiError

    kind, value = payload
    if kind == "api":
        return ApiError(*value)
    if kind == "pickled" and isinstance(value, BaseException):
        return value
    return PullWorkerError(f"the pull worker failed ({value})")


# The worker process ---------------------------------------------------------------------------
class _PipeLogHandler(logging.Handler):
    """The worker's log records go to the process that keeps the log (and masks it)."""

    def __init__(self, pipe: Connection) -> None:
        super().__init__(logging.INFO)
        self._pipe = pipe

    def emit(self, record: logging.LogRecord) -> None:
        # The parent gone: the worker stops at its next page.
        with contextlib.suppress(OSError, ValueError):
            self._pipe.send(("log", record.name, record.levelno, record.getMessage()))


def _work(pipe: Connection, job: PullJob) -> None:
    _stand_back()
    logging.getLogger().addHandler(_PipeLogHandler(pipe))
    logging.getLogger().setLevel(logging.INFO)
    from agent_app.core import masking
    from agent_app.storage.database import attach_database
    from agent_app.sync.client import CentralClient
    from agent_app.sync.engine import SyncCancelledError, SyncEngine, SyncReport

    # What the imports made lives as long as the worker: out of the collector's sight, and
    # fewer collections of the young (a page makes hundreds of thousands of objects, nearly
    # none in cycles). Measured: a fifth of a pull's time went to collections, a fortieth after.
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
    parent = os.getppid()
    stop = False

    def cancel() -> bool:
        nonlocal stop
        # A closed pipe (the parent died) or a changed parent reads as a cancel too.
        if os.getppid() != parent:
            return True
        try:
            while not stop and pipe.poll(0):
                stop = pipe.recv()[0] == "cancel" or stop
        except (EOFError, OSError):
            return True
        return stop

    report = SyncReport()
    try:
        db = attach_database(Path(job.db_path), encrypted=job.encrypted)
        client = CentralClient(job.base_url, ca_bundle=job.ca_bundle, token=job.token,
                               timeout=job.timeout, retries=job.retries, backoff=job.backoff)
        engine = SyncEngine(db, client, page_size=job.page_size, prefetch=True,
                            bulk_indexes=True)
        try:
            engine.pull(report, lambda p: pipe.send(("progress", p.phase, p.done)), cancel)
            engine.pull_kb(report, lambda p: pipe.send(("progress", p.phase, p.done)), cancel)
        finally:
            client.close()
            db.close()
        pipe.send(("done", asdict(report), masking.remembered_confidential_names()))
    except SyncCancelledError:
        _send_quietly(pipe, ("cancelled", asdict(report)))
    except BaseException as exc:  # whatever stops the pull is the parent's to raise
        _send_quietly(pipe, ("error", asdict(report), _error_payload(exc)))
    finally:
        pipe.close()


def _send_quietly(pipe: Connection, message: tuple[Any, ...]) -> None:
    with contextlib.suppress(OSError, ValueError):
        pipe.send(message)


def _stand_back() -> None:
    """On Linux, die with the parent rather than write on as an orphan. No lower priority:
    the GUI thread sleeps between events and the scheduler already lets it in first, while
    a niced worker on a busy PC got a small share of a core (37 s for 1,500 tickets at a
    load of 14)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
