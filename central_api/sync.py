"""Push and pull (DESIGN.md §5).

Push applies a batch in one transaction together with the client's `last_mutation_id`, so a
replay is recognised and acknowledged without being applied twice, and a gap (a mutation id the
client skipped) stops the batch. A mutation the server cannot apply is acknowledged as rejected
with a reason and never blocks the ones after it.

Push and pull also say where the client stands in this server's history (epochs.py), so a
database restored from a backup is noticed and every client resyncs.

Pull hands out changes after a `version` cursor, only below the horizon of versions still in
flight (versions.py), so a cursor never skips a late commit.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import Field, StrictInt
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from agent_app.core.refusals import CLIENT_ID_TAKEN, EPOCH_CHANGED_PUSH
from agent_app.core.wire import W_UNKNOWN_OP
from central_api import audit, kb_writes, limits, ticket_writes
from central_api.cursors import MAX_PAGE, checked_cursor
from central_api.deps import (
    API,
    MAX_VERSION,
    RequestBody,
    SessionDep,
    Strict,
    refusals,
    require_roles,
)
from central_api.epochs import ahead_of_server, epoch_and_newest
from central_api.models import SyncClient, TicketRecord, User
from central_api.mutations import _CLIENT_OF_PUSH, Mutation, RejectedError
from central_api.refused import refuse
from central_api.versions import pull_bounds

log = logging.getLogger(__name__)

MAX_BATCH = 500


class PushRequest(RequestBody):
    client_id: str = Field(min_length=8, max_length=36)
    mutations: list[Mutation] = Field(max_length=MAX_BATCH)
    # Where the client stands (all optional, older clients send none): the epoch it last
    # pulled from, its pull cursor there, and the last mutation id this server acknowledged
    # to it, which is also where its ids go on after a new epoch.
    epoch: str | None = Field(default=None, max_length=36)
    cursor: StrictInt | None = Field(default=None, ge=0, le=MAX_VERSION)
    after: StrictInt | None = Field(default=None, ge=0, le=MAX_VERSION)


class Ack(Strict):
    mutation_id: int
    status: Literal["applied", "duplicate", "rejected"]
    reason: str | None = None
    version: int | None = None


class PushResponse(Strict):
    acks: list[Ack]
    last_mutation_id: int
    gap_at: int | None = None  # the first mutation id not applied because an earlier one is missing


class Change(Strict):
    version: int
    id: str
    deleted: bool
    ticket: dict[str, Any] | None


class PullResponse(Strict):
    server_epoch: str
    changes: list[Change]
    cursor: int
    more: bool



router = APIRouter(prefix=API, responses=refusals(401, 403))

# One entry per operation clients may push.
OPERATIONS: dict[str, Callable[[Session, Mutation, User], int]] = {
    "ticket.create": ticket_writes.create_ticket,
    "ticket.recover": ticket_writes.recover_ticket,
    "ticket.note": ticket_writes.add_note,
    "ticket.action": ticket_writes.ticket_action,
    "kb.feedback": kb_writes.kb_feedback,
    "kb.usage": kb_writes.apply_kb_usage,  # what operators used after a query (KB learning)
}


@router.post("/sync/push", response_model=PushResponse, responses=refusals(410, 429))
def push(body: PushRequest, s: SessionDep,
         user: User = require_roles("POST", "/sync/push")) -> PushResponse:
    """The whole batch is one transaction, with the client's bookkeeping: one commit (one
    fsync) per batch instead of per mutation, and all of it or none of it on a crash.
    Writers no longer queue behind one lock, so two batches locking the same tickets in
    opposite orders can deadlock on PostgreSQL: the one it aborts is run again."""
    limits.take_push(s, user.id)  # 429 for a user pushing faster than any real seat
    for attempt in range(DEADLOCK_RETRIES):
        try:
            return _push_once(body, s, user)
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) not in _RETRYABLE or \
                    attempt == DEADLOCK_RETRIES - 1:
                raise
            s.rollback()
            log.warning("push of %s met a deadlock; running it again", user.username)
    raise AssertionError("unreachable")


DEADLOCK_RETRIES = 4
_RETRYABLE = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure


def _push_once(body: PushRequest, s: Session, user: User) -> PushResponse:
    # Read before the client's lock: any version this client has pulled was given out by then.
    epoch, newest = epoch_and_newest(s)
    if body.epoch is not None and body.epoch != epoch:
        # Its mutation ids and cursor belong to another history: it resyncs, then pushes.
        raise refuse(EPOCH_CHANGED_PUSH)
    client = _locked_client(s, body.client_id, user, body.after or 0)
    if body.epoch == epoch and _has_gone_back(client, body, newest):
        log.warning("%s has seen more than this database holds", user.username)
        raise ahead_of_server(s, body.client_id)
    last = client.last_mutation_id
    s.info[_CLIENT_OF_PUSH] = body.client_id
    acks: list[Ack] = []
    gap_at: int | None = None
    for mutation in body.mutations:
        if mutation.mutation_id <= last:
            acks.append(Ack(mutation_id=mutation.mutation_id, status="duplicate"))
            continue
        if mutation.mutation_id != last + 1:
            gap_at = mutation.mutation_id
            break
        acks.append(_apply(s, mutation, user, body.client_id))
        last = mutation.mutation_id
    client.last_mutation_id = last
    s.commit()
    return PushResponse(acks=acks, last_mutation_id=last, gap_at=gap_at)


def _has_gone_back(client: SyncClient, body: PushRequest, newest: int) -> bool:
    """Whether the client has seen more of this epoch than the database holds: mutations it
    was told were applied, or versions it has pulled (`newest`: the last one given out)."""
    if body.after is not None and client.last_mutation_id < body.after:
        return True
    return body.cursor is not None and body.cursor > newest


def _locked_client(s: Session, client_id: str, user: User, after: int) -> SyncClient:
    """The client's bookkeeping, locked; a client new to this epoch starts after the last id
    it declares acknowledged (0 for a new installation), so a gap before it is still caught."""
    # FOR UPDATE: a retried push racing the original waits here instead of applying twice.
    locked = select(SyncClient).where(SyncClient.client_id == client_id).with_for_update()
    client = s.scalar(locked)
    if client is None:
        # FOR UPDATE cannot lock a row nobody has written yet: a new client's retried first
        # push raced the original into a duplicate key (a 500). The insert waits for the
        # other one's commit and then does nothing; both go on from the one row.
        insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
        s.execute(insert(SyncClient).values(client_id=client_id, last_mutation_id=after,
                                            user_id=user.id)
                  .on_conflict_do_nothing(index_elements=[SyncClient.client_id]))
        client = s.scalars(locked.execution_options(populate_existing=True)).one()
    if client.user_id != user.id:
        # A client id is one installation signed in by one user at a time; pushes from a
        # different user are refused rather than interleaved into its sequence.
        raise refuse(CLIENT_ID_TAKEN)
    return client


def _apply(s: Session, mutation: Mutation, user: User, client_id: str | None = None) -> Ack:
    """Operations check everything before they write, so a rejection leaves nothing behind."""
    operation = OPERATIONS.get(mutation.op)
    try:
        if operation is None:
            raise RejectedError(W_UNKNOWN_OP)
        version = operation(s, mutation, user)
    except RejectedError as exc:
        return Ack(mutation_id=mutation.mutation_id, status="rejected",
                   reason=exc.translated_text())
    audit.record(s, actor=user.username, client_id=client_id, action=mutation.op,
                 ticket_id=None if mutation.op.startswith("kb.") else mutation.entity_id,
                 detail=audit.mutation_detail(mutation.mutation_id, mutation.args))
    return Ack(mutation_id=mutation.mutation_id, status="applied", version=version)


@router.get("/sync/pull", response_model=PullResponse, responses=refusals(410))
def pull(s: SessionDep,
         since: int = Query(0, ge=0, le=MAX_VERSION), limit: int = Query(500, ge=1, le=MAX_PAGE),
         epoch: str | None = Query(None, max_length=36),
         _user: User = require_roles("GET", "/sync/pull")) -> Response:
    newest, horizon = pull_bounds(s)  # before the rows: their snapshot is taken after it
    server_epoch = checked_cursor(s, since, epoch, compacted=True, newest=newest)
    query = (select(TicketRecord.version, TicketRecord.id, TicketRecord.deleted,
                    TicketRecord.data)
             .where(TicketRecord.version > since)
             .order_by(TicketRecord.version).limit(limit + 1))
    if horizon is not None:  # versions still in flight below it would be skipped
        query = query.where(TicketRecord.version < horizon)
    rows = s.execute(query).all()
    s.rollback()  # nothing written: the connection goes back now, on this thread
    more = len(rows) > limit
    rows = rows[:limit]
    return Response(pull_page(server_epoch, rows, rows[-1].version if rows else since, more),
                    media_type="application/json")


def pull_page(server_epoch: str, rows: Sequence[tuple[int, str, bool, str]], cursor: int,
              more: bool) -> str:
    """A PullResponse as JSON, each ticket as it is stored (JSON already): every ticket goes to
    every client, and parsing it to write it out again, once per client, was most of what a
    server with 200 clients pulling spent its time on."""
    changes = ",".join(
        f'{{"version":{version},"id":{json.dumps(ticket_id)},"deleted":{_json(deleted)},'
        f'"ticket":{"null" if deleted else data}}}'
        for version, ticket_id, deleted, data in rows)
    return (f'{{"server_epoch":{json.dumps(server_epoch)},"changes":[{changes}],'
            f'"cursor":{cursor},"more":{_json(more)}}}')


def _json(flag: bool) -> str:
    return "true" if flag else "false"

