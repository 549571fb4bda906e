"""The sync engine (DESIGN.md §5): push the outbox in batches, then pull pages of changes.

Every page is applied in one transaction together with the cursor, so an interrupted sync
resumes where it stopped and never applies a page twice.

A server restored from a backup has a new epoch (central_api/epochs.py): the client pulls
everything again, keeps what it has not sent, and sends back the tickets the restored server
lacks (`ticket.recover`); where the server's copy lacks work done here, the local copy is kept
as a conflict record for the user. No Qt: the tasks runner (or
`agent-app sync --once`) calls `sync_once` off the GUI thread.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import CreateIndex, DropIndex

from agent_app.core.actions import CommandRefusedError, TicketCommand, apply_command
from agent_app.core.changes import OpChanges, Topic
from agent_app.core.interchange import InterchangeError, ticket_from_dict, ticket_to_dict
from agent_app.core.models import Ticket
from agent_app.core.reference import ReferenceData
from agent_app.core.wire import W_UNSTORABLE, WireError, check_ticket, checked_event_data
from agent_app.search import apply_article_changes
from agent_app.storage.changes import register_meta_keys
from agent_app.storage.database import Database
from agent_app.storage.ops import OP_TICKET_ACTION, OP_TICKET_CREATE, OP_TICKET_RECOVER
from agent_app.storage.reference import load_reference
from agent_app.storage.schema import QuarantinedRow, SyncState, TicketRow, ticket_secondary_indexes
from agent_app.storage.uow import UnitOfWork
from agent_app.sync.client import (
    ANSWER_NOT_UNDERSTOOD,
    ApiError,
    CentralClient,
    ServerAnswerError,
)
from agent_app.sync.pull_worker import pull_in_worker, worker_can_start
from agent_app.sync.reference import refresh_reference

log = logging.getLogger(__name__)

CURSOR_KEY = "sync_cursor"
EPOCH_KEY = "server_epoch"
LAST_SYNC_KEY = "last_sync_at"
# The last mutation id the server acknowledged; where our ids go on after a new epoch.
ACKED_KEY = "acked_through"
# Set while the full pull after a server restore runs; at its end, what it lacks goes back.
RECOVERING_KEY = "recovering"
# The epoch the restored server replaced: recoveries name it, and the server checks it.
LOST_EPOCH_KEY = "lost_epoch"
# KB articles have a cursor and epoch of their own: a ticket resync must not hide that the
# article cursor is stale too.
KB_CURSOR_KEY = "kb_cursor"
KB_EPOCH_KEY = "kb_server_epoch"
# With a pull worker: the first page asked for is this small, and only when the server has
# more is the rest pulled in a worker process (starting one costs a second of CPU, which a
# sync that brings a handful of changes should not pay).
PROBE_PAGE_SIZE = 100
# A pull into a cache holding at most this many tickets (a new PC, past the probe page) builds
# the tickets' secondary indexes at its end instead of keeping them through every insert.
BULK_PULL_MAX_HELD = 1000

# Where this client stands with the server: the status bar and the sync problems show it.
register_meta_keys(Topic.SYNC, CURSOR_KEY, EPOCH_KEY, LAST_SYNC_KEY, ACKED_KEY, RECOVERING_KEY,
                   LOST_EPOCH_KEY, KB_CURSOR_KEY, KB_EPOCH_KEY)


class SyncCancelledError(Exception):
    pass


class SyncGapError(Exception):
    """The server is missing mutations this client believes it sent: needs IT, not retries."""


@dataclass(frozen=True)
class SyncProgress:
    phase: str  # "push", "pull" or "kb"
    done: int
    total: int | None


@dataclass
class SyncReport:
    pushed: int = 0
    duplicates: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    pulled: int = 0
    conflicts: int = 0
    resynced: bool = False
    recovered: int = 0  # tickets sent back to a server restored from a backup
    reference_updated: bool = False
    kb_pulled: int = 0  # articles added, changed or deleted
    kb_resynced: bool = False
    quarantined: int = 0  # pulled rows set aside because this PC cannot store them
    kb_usage_pulled: int = 0  # KB learning pairs and vetoes from other seats
    # What the sync wrote, as the screens need it: topics and the tickets stored, deleted,
    # acknowledged or refused (None after a resync: any ticket may have changed).
    changes: OpChanges = field(default_factory=OpChanges)


ProgressCallback = Callable[[SyncProgress], None]


def _never() -> bool:
    return False


class SyncEngine:
    def __init__(self, db: Database, client: CentralClient, *, push_batch: int = 200,
                 page_size: int = 500, pull_in_worker: bool = False,
                 prefetch: bool = False, bulk_indexes: bool = False) -> None:
        """`pull_in_worker`: a long ticket pull runs in a process of its own
        (sync/pull_worker.py), so a GUI in this process keeps the interpreter. `prefetch`:
        the next page is fetched while this one is applied (the worker does so).
        `bulk_indexes`: a pull into a (nearly) empty cache drops the tickets' secondary
        indexes and builds them at its end (the worker does so)."""
        self.db = db
        self.client = client
        self.push_batch = push_batch
        self.page_size = page_size
        self.pull_in_worker = pull_in_worker
        self.prefetch = prefetch
        self.bulk_indexes = bulk_indexes
        self._kb_pulled_by_worker = False  # this sync's KB pages came with the worker's pull
        self._refetch: set[str] = set()  # tickets whose command the server refused
        self._reference: ReferenceData | None = None  # loaded when a rebase needs it

    def sync_once(self, progress: ProgressCallback | None = None,
                  cancel: Callable[[], bool] = _never) -> SyncReport:
        """One push and pull; the report's `changes` say what it wrote (a sync always
        touches SYNC: the time of the last sync moved)."""
        with self.db.recording() as recorded:
            report = self._sync_once(progress, cancel)
        changes = recorded.changes | OpChanges.of(Topic.SYNC)
        if ((report.pulled or report.resynced or report.recovered)
                and not changes.touches(Topic.TICKETS)):
            # Pulled tickets written without this cache's sessions seeing them (a pull worker
            # of its own): say "any ticket" rather than nothing.
            changes |= OpChanges.of(Topic.TICKETS, ticket_ids=None)
        report.changes = changes
        return report

    def _sync_once(self, progress: ProgressCallback | None,
                   cancel: Callable[[], bool]) -> SyncReport:
        report = SyncReport()
        self._reference = None  # reference data may have changed since the last sync
        self.push(report, progress or (lambda _p: None), cancel)
        self.pull(report, progress or (lambda _p: None), cancel)
        if report.recovered:
            # What a restored server lacked goes back to it now, and comes back as its own.
            self.push(report, progress or (lambda _p: None), cancel)
            self.pull(report, progress or (lambda _p: None), cancel)
        self.pull_kb(report, progress or (lambda _p: None), cancel)
        self.pull_kb_usage(report, cancel)
        report.reference_updated = refresh_reference(self.db, self.client)
        with self.db.unit_of_work() as uow:
            uow.meta.set(LAST_SYNC_KEY, datetime.now(UTC).isoformat())
            uow.commit()
        return report

    # Push -----------------------------------------------------------------------------------
    def push(self, report: SyncReport, progress: ProgressCallback,
             cancel: Callable[[], bool] = _never) -> None:
        client_id = self.db.client_id()
        with self.db.unit_of_work() as uow:
            total = uow.outbox.pending_count()
        done = 0
        while True:
            if cancel():
                raise SyncCancelledError
            with self.db.unit_of_work() as uow:
                batch = [{"mutation_id": row.mutation_id, "op": row.op,
                          "entity_id": row.entity_id, "args": json.loads(row.args),
                          "base_version": row.base_version}
                         for row in uow.outbox.pending(self.push_batch)]
                standing: dict[str, Any]  # where this client stands, as push() takes it
                standing = {"epoch": uow.meta.get(EPOCH_KEY) or None,
                            "cursor": int(uow.meta.get(CURSOR_KEY) or 0),
                            "after": int(uow.meta.get(ACKED_KEY) or 0)}
            if not batch:
                self._restore_refused()
                return
            try:
                reply = self.client.push(client_id, batch, **standing)
            except ApiError as exc:
                if exc.status != 410:
                    raise
                self._start_over(report)  # the server was restored: our ids go on after it
                continue
            self._record_acks(reply["acks"], report)
            done += len(reply["acks"])
            progress(SyncProgress("push", done, total))
            if reply.get("gap_at") is not None:
                raise SyncGapError(
                    f"the server has applied mutations up to {reply['last_mutation_id']} "
                    f"but this client's next one is {reply['gap_at']}")
            if not reply["acks"]:
                self._restore_refused()
                return

    def _restore_refused(self) -> None:
        """Tickets whose command the server refused get the server's copy back, with any
        commands still waiting replayed on it."""
        while self._refetch:
            ticket_id = self._refetch.pop()
            try:
                reply = self.client.get(f"/tickets/{ticket_id}")
                server_ticket = check_ticket(ticket_from_dict(reply["ticket"]))
                version = int(reply["version"])
            except ApiError as exc:
                if exc.status != 404:
                    raise
                continue  # deleted on the server: the tombstone comes with the pull
            except (InterchangeError, WireError, KeyError, TypeError, ValueError):
                log.error("skipping a ticket the server sent in a shape this PC cannot "
                          "store: %s", ticket_id)
                continue
            with self.db.unit_of_work() as uow:
                if uow.tickets.sync_state(ticket_id) is None:
                    continue
                rebased, _ = self._rebase(uow, server_ticket)
                uow.tickets.update(rebased, sync_state=SyncState.CONFLICT,
                                   server_version=version)
                uow.commit()

    def _record_acks(self, acks: list[dict[str, Any]], report: SyncReport) -> None:
        with self.db.unit_of_work() as uow:
            entity_of = uow.outbox.entities_of([ack["mutation_id"] for ack in acks])
            accepted: list[int] = []
            versions: dict[str, int | None] = {}
            for ack in acks:
                entity_id = entity_of.get(ack["mutation_id"])
                if entity_id is None:
                    continue  # acknowledged by an earlier, interrupted round
                if ack["status"] == "rejected":
                    reason = ack.get("reason") or "rejected"
                    refused = uow.outbox.get(ack["mutation_id"])
                    if refused is not None and refused.op == OP_TICKET_ACTION:
                        # The refused command never happened: its event goes, and the
                        # server's copy of the ticket replaces the optimistic one.
                        uow.tickets.delete_events([json.loads(refused.args)["event_id"]])
                        self._refetch.add(entity_id)
                    uow.outbox.reject(ack["mutation_id"], reason)
                    uow.tickets.set_sync_state(entity_id, SyncState.CONFLICT)
                    report.rejected.append((ack["mutation_id"], reason))
                    continue
                accepted.append(ack["mutation_id"])
                versions[entity_id] = ack.get("version")
                if ack["status"] == "duplicate":
                    report.duplicates += 1
                else:
                    report.pushed += 1
            uow.outbox.acknowledge(accepted)
            if acks:
                newest = max(ack["mutation_id"] for ack in acks)
                uow.meta.set(ACKED_KEY, str(max(newest, int(uow.meta.get(ACKED_KEY) or 0))))
            still_unsent = uow.outbox.pending_entities(list(versions))
            for entity_id, version in versions.items():
                if entity_id not in still_unsent:
                    uow.tickets.set_sync_state(entity_id, SyncState.SYNCED, version)
            uow.commit()

    # Pull -----------------------------------------------------------------------------------
    def pull(self, report: SyncReport, progress: ProgressCallback,
             cancel: Callable[[], bool] = _never) -> None:
        feed = _Feed("pull", self.client.pull, CURSOR_KEY, EPOCH_KEY,
                     lambda page: self._apply_page_safely(page, report),
                     lambda: self._start_over(report), lambda: report.pulled)
        self._kb_pulled_by_worker = False
        # A pull stopped before its end (a killed worker) left them out: back before anything.
        self._build_secondary_indexes()
        if self.bulk_indexes and self._holds_few_tickets():
            self._drop_secondary_indexes()
            try:
                self._pull_pages(feed, progress, cancel)
            finally:
                self._build_secondary_indexes()
            self._send_back_what_a_restore_lost(report)
            return
        if self.pull_in_worker and worker_can_start():
            if self._pull_pages(feed, progress, cancel, limit=PROBE_PAGE_SIZE, pages=1):

                # The worker pulls the rest and ends as pull() ends (what a restore lost),
                # then pulls the KB: a first KB pull builds the search index, whose pinyin
                # dictionaries alone hold an interpreter for a quarter of a second.
                pull_in_worker(self, report, progress, cancel)
                self._kb_pulled_by_worker = True
                return
        else:
            self._pull_pages(feed, progress, cancel)
        self._send_back_what_a_restore_lost(report)

    def _holds_few_tickets(self) -> bool:
        with self.db.unit_of_work() as uow:
            held = uow.session.scalar(select(func.count()).select_from(TicketRow)) or 0
        return held <= BULK_PULL_MAX_HELD

    def _drop_secondary_indexes(self) -> None:
        with self.db.unit_of_work() as uow:
            for index in ticket_secondary_indexes():
                uow.session.execute(DropIndex(index, if_exists=True))
            uow.commit()

    def _build_secondary_indexes(self) -> None:
        """Each one missing is built, all in one transaction (nothing to do when all are
        there, as after every pull that ran to its end)."""
        with self.db.unit_of_work() as uow:
            for index in ticket_secondary_indexes():
                uow.session.execute(CreateIndex(index, if_not_exists=True))
            uow.commit()

    def pull_kb_usage(self, report: SyncReport, cancel: Callable[[], bool] = _never) -> None:
        """What every seat's operators used after their queries, and leads' vetoes: the KB
        search lifts those articles for similar queries (search/learning.py)."""
        from agent_app.search.learning import store_shared_usage, usage_cursor

        while True:
            if cancel():
                raise SyncCancelledError
            since = usage_cursor(self.db)
            page = self.client.get(f"/kb/usage?since={since}&limit={self.page_size}")
            if (not isinstance(page, dict) or not isinstance(page.get("items"), list)
                    or not isinstance(page.get("cursor"), int)
                    or not isinstance(page.get("more"), bool)):
                raise ServerAnswerError(ANSWER_NOT_UNDERSTOOD)
            report.kb_usage_pulled += store_shared_usage(self.db, page["items"], page["cursor"])
            if not page["more"]:
                return

    def pull_kb(self, report: SyncReport, progress: ProgressCallback,
                cancel: Callable[[], bool] = _never) -> None:
        """KB articles, after tickets: the same paging, one transaction per page with its
        cursor, and the same start over when the server's epoch changed."""
        if self._kb_pulled_by_worker:
            self._kb_pulled_by_worker = False
            return
        self._pull_pages(_Feed("kb", self.client.pull_kb, KB_CURSOR_KEY, KB_EPOCH_KEY,
                               lambda page: self._apply_kb_page(page, report),
                               lambda: self._start_kb_over(report),
                               lambda: report.kb_pulled), progress, cancel)

    def _pull_pages(self, feed: _Feed, progress: ProgressCallback,
                    cancel: Callable[[], bool], *, limit: int | None = None,
                    pages: int | None = None) -> bool:
        """Pages until the server has no more (or `pages` were applied); True when it has
        more."""
        limit = limit or self.page_size
        applied = 0
        ahead: Future[dict[str, Any]] | None = None  # the next page, asked for already
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefetch") as fetcher:
            while True:
                if cancel():
                    raise SyncCancelledError
                try:
                    if ahead is not None:
                        page, ahead = ahead.result(), None
                    else:
                        with self.db.unit_of_work() as uow:
                            cursor = int(uow.meta.get(feed.cursor_key) or 0)
                            epoch = uow.meta.get(feed.epoch_key)
                        page = feed.fetch(cursor, limit=limit, epoch=epoch)
                except ApiError as exc:
                    if exc.status != 410:
                        raise
                    feed.start_over()
                    continue
                if self.prefetch and page["more"]:
                    # Where the cursor and epoch stand once this page is applied: the same
                    # request the next turn would make, sent while this page is stored.
                    ahead = fetcher.submit(feed.fetch, int(page["cursor"]), limit=limit,
                                           epoch=page["server_epoch"])
                feed.apply(page)
                applied += 1
                progress(SyncProgress(feed.phase, feed.done(), None))
                if not page["more"]:
                    return False
                if pages is not None and applied >= pages:
                    return True

    def _start_over(self, report: SyncReport) -> None:
        """410: pull everything again, keeping what was never sent. A new server epoch means
        the server was restored from a backup (or replaced): it may lack tickets this client
        holds, so none counts as held by it until it sends it again, and at the end of the
        pull the rest go back to it. The same epoch means only our cursor was too old (old
        tombstones were compacted): the server has everything, so synced copies just go."""
        with self.db.unit_of_work() as uow:
            known_epoch = uow.meta.get(EPOCH_KEY)
        restored = self.client.health()["server_epoch"] != known_epoch
        with self.db.unit_of_work() as uow:
            if restored:
                uow.tickets.forget_server_versions()
                uow.meta.set(RECOVERING_KEY, "1")
                if known_epoch:
                    uow.meta.set(LOST_EPOCH_KEY, known_epoch)
            else:
                dropped = uow.tickets.delete_synced()
                log.warning("cursor too old: dropped %d synced tickets", dropped)
            uow.meta.set(CURSOR_KEY, "0")
            uow.meta.set(EPOCH_KEY, "")
            uow.commit()
        if restored:
            log.warning("server epoch changed (restored from a backup?): pulling everything "
                        "again, then sending back what it lacks")
        report.resynced = True

    def _send_back_what_a_restore_lost(self, report: SyncReport) -> None:
        """At the end of the full pull after a restore: our tickets the server did not send
        are ones it lost. Each one the signed-in user registered goes back whole (the server
        takes a recovery from no one else), unless its creation is still waiting to go."""
        with self.db.unit_of_work() as uow:
            if not uow.meta.get(RECOVERING_KEY):
                return
        me = str(self.client.get("/auth/me").get("username", ""))
        with self.db.unit_of_work() as uow:
            missing = uow.tickets.unconfirmed_ids()
            waiting = uow.outbox.pending_entities(missing,
                                                  ops=(OP_TICKET_CREATE, OP_TICKET_RECOVER))
            for ticket_id in missing:
                ticket = uow.tickets.get(ticket_id)
                if ticket is None or ticket_id in waiting:
                    continue
                if not ticket.events or ticket.events[0].actor != me:
                    # Held here from a pull; its registrar's own client sends it back.
                    uow.tickets.delete(ticket_id)
                    continue
                uow.outbox.add(OP_TICKET_RECOVER, ticket_id,
                               {"lost_in_epoch": uow.meta.get(LOST_EPOCH_KEY) or "",
                                "ticket": ticket_to_dict(ticket)})
                uow.tickets.set_sync_state(ticket_id, SyncState.UNSENT)
                report.recovered += 1
            uow.meta.set(RECOVERING_KEY, "")
            uow.commit()
        if report.recovered:
            log.warning("sending %d tickets back to the restored server", report.recovered)

    def _apply_page_safely(self, page: dict[str, Any], report: SyncReport) -> None:
        """No row may stop the pull: rows this PC cannot read are set aside as they are met,
        and a page the database refuses is applied again row by row."""
        try:
            self._apply_page(page, report)
        except (SQLAlchemyError, ValueError, TypeError) as exc:
            log.error("a pulled page could not be stored (%s): storing it row by row",
                      type(exc).__name__)
            self._apply_page_row_by_row(page, report)

    def _apply_page(self, page: dict[str, Any], report: SyncReport) -> None:
        changes = page["changes"]
        ids = [change["id"] for change in changes]
        with self.db.unit_of_work() as uow:
            # Three queries per page, not per change: pages are the unit of work.
            unsent = uow.outbox.pending_entities(ids)
            known = uow.tickets.sync_states(ids)
            # After a restore: events here that the server's copy lacks were lost with it.
            local_events = (uow.tickets.event_ids([i for i in ids
                                                   if i in known and i not in unsent])
                            if uow.meta.get(RECOVERING_KEY) else {})
            new: list[tuple[Ticket, int]] = []
            new_event_data: list[list[str] | None] = []  # as encoded by the check, or None
            for change in changes:
                ticket_id = change["id"]
                if change["deleted"]:
                    uow.tickets.delete(ticket_id)
                    continue
                storable = _storable(change)
                if storable is None:
                    _quarantine(uow, change, W_UNSTORABLE, report)
                    continue
                server_ticket, event_data = storable
                checked = server_ticket
                overruled = known.get(ticket_id) is SyncState.CONFLICT
                if ticket_id in unsent:
                    # Commands still on their way are replayed on the server's state: that is
                    # what the server will hold once they arrive. Only when one no longer
                    # applies (or the change is not a command) was local work overruled.
                    server_ticket, rebased = self._rebase(uow, server_ticket)
                    overruled = overruled or not rebased
                lost = local_events.get(ticket_id, set()) - {e.id for e in server_ticket.events}
                if overruled or lost:
                    self._keep_overruled_local(uow, server_ticket, report,
                                               lost_events=bool(lost))
                if lost:
                    uow.tickets.delete_events(sorted(lost))  # the local copy is the server's
                if ticket_id in known:
                    uow.tickets.store_from_server(server_ticket, change["version"])
                else:
                    new.append((server_ticket, change["version"]))
                    # A rebase added events: those are encoded when stored.
                    new_event_data.append(event_data if server_ticket is checked else None)
                if ticket_id in unsent:
                    # Our unsent change still goes out; the row says so until it is acked.
                    uow.tickets.set_sync_state(ticket_id, SyncState.UNSENT)
                report.pulled += 1
            uow.tickets.insert_many_from_server(new, new_event_data)
            uow.meta.set(CURSOR_KEY, str(page["cursor"]))
            uow.meta.set(EPOCH_KEY, page["server_epoch"])
            uow.commit()

    def _apply_page_row_by_row(self, page: dict[str, Any], report: SyncReport) -> None:
        """After a page failed to store as a whole: each row on its own, so the one the
        database refuses is set aside and the others (and the cursor) go on."""
        for change in page["changes"]:
            try:
                # The cursor moves with each row, so a stop half-way resumes at the next.
                self._apply_page({**page, "changes": [change], "cursor": change["version"]},
                                 report)
            except (SQLAlchemyError, ValueError, TypeError) as exc:
                log.error("pulled ticket %s set aside: %s", _safe_id(change),
                          type(exc).__name__)
                with self.db.unit_of_work() as uow:
                    _quarantine(uow, change, W_UNSTORABLE, report)
                    uow.commit()
        with self.db.unit_of_work() as uow:
            uow.meta.set(CURSOR_KEY, str(page["cursor"]))
            uow.meta.set(EPOCH_KEY, page["server_epoch"])
            uow.commit()

    def _start_kb_over(self, report: SyncReport) -> None:
        """Nothing local is unsent in the KB (error reports wait in the outbox), so every
        article goes and the pull from 0 brings back what this server has."""
        with self.db.unit_of_work() as uow:
            dropped = apply_article_changes(uow.session, (), uow.kb.ids())
            uow.meta.set(KB_CURSOR_KEY, "0")
            uow.meta.set(KB_EPOCH_KEY, "")
            uow.commit()
        log.warning("server epoch changed: dropped %d KB articles, pulling again", dropped)
        report.kb_resynced = True

    def _apply_kb_page(self, page: dict[str, Any], report: SyncReport) -> None:
        changes = page["changes"]
        with self.db.unit_of_work() as uow:
            report.kb_pulled += apply_article_changes(
                uow.session, [c["article"] for c in changes if not c["deleted"]],
                [c["id"] for c in changes if c["deleted"]])
            uow.meta.set(KB_CURSOR_KEY, str(page["cursor"]))
            uow.meta.set(KB_EPOCH_KEY, page["server_epoch"])
            uow.commit()

    def _rebase(self, uow: UnitOfWork, server_ticket: Ticket) -> tuple[Ticket, bool]:
        """The server's ticket with this client's pending commands applied on top, in order,
        and whether every one of them still applied. One the server's state no longer allows
        is left out: the server will refuse it and say why. False also when nothing pending is
        a command (a changed ticket or a note), which cannot be replayed."""
        pending = uow.outbox.pending_args(server_ticket.id, OP_TICKET_ACTION)
        if not pending:
            return server_ticket, False
        if self._reference is None:
            self._reference = load_reference(self.db)
        all_applied = True
        for args in pending:
            try:
                server_ticket = apply_command(server_ticket, TicketCommand.from_dict(args),
                                              policy=self._reference.policy,
                                              calendar=self._reference.calendar)
            except CommandRefusedError:
                all_applied = False
        return server_ticket, all_applied

    @staticmethod
    def _keep_overruled_local(uow: UnitOfWork, server_ticket: Ticket, report: SyncReport,
                              *, lost_events: bool = False) -> None:
        local = uow.tickets.get(server_ticket.id)
        # Events are insert-only and merge by id; only scalar fields can conflict, unless a
        # restored server lost events this copy has.
        if local is not None and (lost_events or replace(local, events=[])
                                  != replace(server_ticket, events=[])):
            uow.conflicts.add(server_ticket.id, ticket_to_dict(local),
                              ticket_to_dict(server_ticket))
            report.conflicts += 1


def _storable(change: dict[str, Any]) -> tuple[Ticket, list[str]] | None:
    """The pulled ticket, checked, with its events' data as the JSON text to store; None
    when this PC cannot store it."""
    try:
        ticket = ticket_from_dict(change["ticket"])
        return ticket, checked_event_data(ticket)
    except (InterchangeError, WireError, TypeError, ValueError, AttributeError):
        return None


def _safe_id(change: Any) -> str:
    ticket_id = change.get("id") if isinstance(change, dict) else None
    return ticket_id[:40] if isinstance(ticket_id, str) else "?"


def _quarantine(uow: UnitOfWork, change: dict[str, Any], reason: str,
                report: SyncReport) -> None:
    uow.session.add(QuarantinedRow(ticket_id=_safe_id(change), version=int(change["version"]),
                                   reason=reason, detected_at=datetime.now(UTC),
                                   resolved=False))
    report.quarantined += 1


@dataclass(frozen=True)
class _Feed:
    """One paged stream the client pulls: where its cursor and epoch are kept, how a page is
    fetched and applied, what a 410 does, and how many changes it has brought this sync."""

    phase: str
    fetch: Callable[..., dict[str, Any]]
    cursor_key: str
    epoch_key: str
    apply: Callable[[dict[str, Any]], None]
    start_over: Callable[[], None]
    done: Callable[[], int]
