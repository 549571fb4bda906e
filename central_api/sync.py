"""Push and pull (DESIGN.md §5).

Push applies a batch in one transaction together with the client's `last_mutation_id`, so a
replay is recognised and acknowledged without being applied twice, and a gap (a mutation id the
client skipped) stops the batch. A mutation the server cannot apply is acknowledged as rejected
with a reason and never blocks the ones after it.

Push and pull also say where the client stands in this server's history (epochs.py), so a
database restored from a backup is noticed and every client resyncs.

Pull hands out changes after a `version` cursor. Versions come from one counter row that each
writer updates inside its transaction; the row lock orders the writers, so versions commit in
the order they are given out and a cursor never skips a late commit.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import Response
from pydantic import Field, StrictInt
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from agent_app.core.actions import (
    CommandRefusedError,
    TicketCommand,
    apply_command,
    authorise,
    check_merge_target,
)
from agent_app.core.creation import (
    intake_facts,
    legacy_creation,
    registered_ticket,
    replay_history,
)
from agent_app.core.enums import Role
from agent_app.core.i18n import translated
from agent_app.core.interchange import InterchangeError, ticket_from_dict
from agent_app.core.lifecycle import Action, EventKind, SideEvent
from agent_app.core.models import Ticket
from agent_app.core.wire import (
    LEGACY_TICKET_KEYS,
    W_ENTITY,
    W_EXISTS,
    W_MALFORMED,
    W_NO_TICKET,
    W_NOT_LOST,
    W_UNKNOWN_OP,
    WireError,
    check_command_shape,
    check_event_id,
    parse_intake,
)
from central_api import audit, kb_learning, limits
from central_api.commands import (
    UnknownTicketError,
    deadline_policy,
    locked_ticket,
    run_command,
    store_ticket,
    working_calendar,
)
from central_api.deps import (
    API,
    MAX_VERSION,
    RequestBody,
    SessionDep,
    Strict,
    refusals,
    require_roles,
)
from central_api.epochs import ahead_of_server, current_epoch, newest_version, replaced_epochs
from central_api.models import (
    KbArticle,
    KbFeedback,
    ServerMeta,
    SyncClient,
    TicketEventId,
    TicketRecord,
    User,
)
from central_api.versions import lock_versions, next_version, pull_horizon

log = logging.getLogger(__name__)

MAX_BATCH = 500
MAX_PAGE = 1000
MAX_FEEDBACK_CHARS = 1000


class Mutation(RequestBody):
    # Strict: a client that sends `true` or "7" is broken, and is told so.
    mutation_id: StrictInt = Field(ge=1, le=MAX_VERSION)
    op: str = Field(min_length=1, max_length=40)
    entity_id: str = Field(min_length=1, max_length=40)
    args: dict[str, Any]
    base_version: StrictInt | None = Field(default=None, ge=0, le=MAX_VERSION)


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


PULL_FLOOR_KEY = "pull_floor"


def pull_floor(session: Session) -> int:
    """The oldest cursor still served; raised when old tombstones are compacted away."""
    row = session.get(ServerMeta, PULL_FLOOR_KEY)
    return int(row.value) if row is not None else 0


class RejectedError(Exception):
    """The mutation cannot be applied; the client is told why, in Chinese (the reason is one
    of core's fixed sentences, translated by the shipped translation)."""


_CLIENT_OF_PUSH = "push_client_id"  # session.info: the client whose batch is being applied


def mutation_client(session: Session) -> str | None:
    return session.info.get(_CLIENT_OF_PUSH)


router = APIRouter(prefix=API, responses=refusals(401, 403))


def _create_ticket(session: Session, mutation: Mutation, user: User) -> int:
    """A ticket from the facts of a call, registered by the signed-in user. A client of the
    previous protocol sends the whole ticket: it is taken apart into the same facts and the
    commands that followed, each checked as if pushed on its own; nothing it claims about
    status, events or actors is kept."""
    try:
        if LEGACY_TICKET_KEYS & mutation.args.keys():
            facts, commands = legacy_creation(mutation.args)
            for command in commands:
                check_command_shape(command.to_dict(), now=datetime.now(UTC))
        else:
            facts, commands = parse_intake(mutation.args, now=datetime.now(UTC)), []
    except WireError as exc:
        raise RejectedError(exc.reason) from exc
    if facts.id != mutation.entity_id:
        raise RejectedError(W_ENTITY)
    lock_versions(session)  # before the ticket's lock, as every ticket writer
    existing = session.get(TicketRecord, facts.id)
    if existing is not None:
        if not existing.deleted and _first_event_id(existing) == facts.registered_event_id:
            return existing.version  # the same creation again (another path, a retry)
        raise RejectedError(W_EXISTS)
    role = Role(user.role)
    ticket = registered_ticket(facts, user.username)
    try:
        authorise(ticket, Action.REGISTER, role)
        if facts.split_from is not None:
            source = session.get(TicketRecord, facts.split_from)
            if source is None or source.deleted:
                raise RejectedError(W_NO_TICKET)
        for command in commands:  # the previous protocol's answer, dispatch, merge or note
            command = replace(command, actor=user.username)
            authorise(ticket, command.kind, role)
            if command.kind is Action.MERGE:
                check_merge_target(ticket, _open_ticket(session, command.data.get("into")))
            ticket = apply_command(ticket, command, policy=deadline_policy(),
                                   calendar=working_calendar(session))
        record = TicketRecord(id=ticket.id, deleted=False)
        store_ticket(session, record, ticket, new_event_ids=[e.id for e in ticket.events])
    except CommandRefusedError as exc:
        raise RejectedError(exc.reason) from exc
    record.created_by_client = mutation_client(session)
    session.add(record)
    return record.version


def _first_event_id(record: TicketRecord) -> str | None:
    events: list[dict[str, Any]] = json.loads(record.data).get("events") or [{}]
    first_id: str | None = events[0].get("id")
    return first_id


def _open_ticket(session: Session, ticket_id: object) -> Ticket | None:
    if not isinstance(ticket_id, str):
        return None
    try:
        return locked_ticket(session, ticket_id)[1]
    except UnknownTicketError:
        return None


def _recover_ticket(session: Session, mutation: Mutation, user: User) -> int:
    """After a restore, clients send back the tickets the restored database lacks. Only a
    ticket this server provably lost is taken: unknown here, registered before the current
    epoch began, in the epoch the server replaced, by the user sending it back. Its history
    is replayed through the lifecycle, so what is stored is derived, not claimed. Later copies
    (other clients held it too) change nothing."""
    args = mutation.args
    ticket_args, lost_in = args.get("ticket"), args.get("lost_in_epoch")
    if not isinstance(ticket_args, dict) or not isinstance(lost_in, str):
        raise RejectedError(W_MALFORMED)
    record = session.get(TicketRecord, mutation.entity_id)
    if record is not None:
        return record.version
    replaced = next((e for e in replaced_epochs(session) if e.epoch == lost_in), None)
    if replaced is None:
        raise RejectedError(W_NOT_LOST)
    try:
        claimed = ticket_from_dict(ticket_args)
        if claimed.id != mutation.entity_id:
            raise RejectedError(W_ENTITY)
        if (not claimed.events or claimed.events[0].actor != user.username
                or claimed.created_at >= replaced.ended_at):
            raise RejectedError(W_NOT_LOST)
        creation_steps_checked = intake_facts(claimed)  # the facts' schema, as a creation
        check_event_id(creation_steps_checked.registered_event_id)
        for event in claimed.events:
            check_event_id(event.id)
        ticket = replay_history(claimed, policy=deadline_policy(),
                                calendar=working_calendar(session))
        lock_versions(session)
        record = TicketRecord(id=ticket.id, deleted=False)
        store_ticket(session, record, ticket, new_event_ids=[e.id for e in ticket.events])
    except (InterchangeError, WireError, CommandRefusedError) as exc:
        raise RejectedError(getattr(exc, "reason", W_MALFORMED)) from exc
    record.created_by_client = mutation_client(session)
    session.add(record)
    return record.version


def _add_note(session: Session, mutation: Mutation, user: User) -> int:
    """The previous protocol's note: the same as a note command."""
    event = mutation.args.get("event")
    if not isinstance(event, dict) or event.get("kind") != EventKind.NOTE:
        raise RejectedError(W_MALFORMED)
    data = {k: v for k, v in event.items() if k not in ("id", "at", "kind", "actor")}
    args = {"ticket_id": mutation.entity_id, "kind": SideEvent.NOTE.value,
            "event_id": event.get("id"), "at": event.get("at"), "data": data}
    return _ticket_action(session, mutation.model_copy(update={"args": args}), user)


def _kb_feedback(session: Session, mutation: Mutation, user: User) -> int:
    """反馈纠错: kept for the unit that owns the article. Insert-only; a replay is caught by
    the push bookkeeping before it gets here. Changes nothing clients pull, so the article's
    version is the answer."""
    article_id, text = mutation.args.get("article_id"), mutation.args.get("text")
    if article_id != mutation.entity_id:
        raise RejectedError("entity_id does not match the article id")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_FEEDBACK_CHARS:
        raise RejectedError(f"feedback needs a text of 1 to {MAX_FEEDBACK_CHARS} characters")
    article = session.get(KbArticle, article_id)
    if article is None or article.deleted:
        raise RejectedError(f"no article {article_id}")
    session.add(KbFeedback(article_id=article.id, unit=article.unit, text=text.strip(),
                           reporter_id=user.id, created_at=datetime.now(UTC)))
    return article.version


def _ticket_action(session: Session, mutation: Mutation, user: User) -> int:
    """A ticket command (agent_app/core/actions.py), re-checked here with the signed-in
    user's role; the event is recorded in that user's name, whatever the client claims."""
    try:
        check_command_shape(mutation.args, now=datetime.now(UTC))
        command = TicketCommand.from_dict(mutation.args)
    except (WireError, CommandRefusedError) as exc:
        raise RejectedError(exc.reason) from exc
    if command.ticket_id != mutation.entity_id:
        raise RejectedError(W_ENTITY)
    try:
        record, ticket = locked_ticket(session, command.ticket_id)
        run_command(session, record, ticket, replace(command, actor=user.username),
                    Role(user.role))
    except UnknownTicketError:
        raise RejectedError(W_NO_TICKET) from None
    except CommandRefusedError as exc:
        raise RejectedError(exc.reason) from exc
    return record.version


# One entry per operation clients may push.
OPERATIONS: dict[str, Callable[[Session, Mutation, User], int]] = {
    "ticket.create": _create_ticket,
    "ticket.recover": _recover_ticket,
    "ticket.note": _add_note,
    "ticket.action": _ticket_action,
    "kb.feedback": _kb_feedback,
    "kb.usage": kb_learning.apply_kb_usage,  # what operators used after a query (KB learning)
}


def seed_tickets(session: Session, tickets: Sequence[Mapping[str, Any]]) -> int:
    """Load tickets as if they had been pushed (the demo's data); no-op on a non-empty server."""
    if session.scalar(select(TicketRecord.id).limit(1)) is not None:
        return 0
    for record in tickets:
        ticket = ticket_from_dict(record)
        session.add(TicketRecord(id=ticket.id, data=json.dumps(record, ensure_ascii=False),
                                 status=ticket.status.value, unit=ticket.unit,
                                 version=next_version(session), deleted=False,
                                 updated_at=datetime.now(UTC)))
        session.add_all(TicketEventId(event_id=e.id, ticket_id=ticket.id) for e in ticket.events)
    session.commit()
    return len(tickets)


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
    epoch = current_epoch(s)
    if body.epoch is not None and body.epoch != epoch:
        # Its mutation ids and cursor belong to another history: it resyncs, then pushes.
        raise HTTPException(status.HTTP_410_GONE, "server epoch changed: resync, then push")
    client = _locked_client(s, body.client_id, user, body.after or 0)
    if body.epoch == epoch and _has_gone_back(s, client, body):
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


def _has_gone_back(s: Session, client: SyncClient, body: PushRequest) -> bool:
    """Whether the client has seen more of this epoch than the database holds: mutations it
    was told were applied, or versions it has pulled."""
    if body.after is not None and client.last_mutation_id < body.after:
        return True
    return body.cursor is not None and body.cursor > newest_version(s)


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
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this client id belongs to another user")
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
                   reason=translated(str(exc)))
    audit.record(s, actor=user.username, client_id=client_id, action=mutation.op,
                 ticket_id=None if mutation.op.startswith("kb.") else mutation.entity_id,
                 detail=audit.mutation_detail(mutation.mutation_id, mutation.args))
    return Ack(mutation_id=mutation.mutation_id, status="applied", version=version)


@router.get("/sync/pull", response_model=PullResponse, responses=refusals(410))
def pull(s: SessionDep,
         since: int = Query(0, ge=0, le=MAX_VERSION), limit: int = Query(500, ge=1, le=MAX_PAGE),
         epoch: str | None = Query(None, max_length=36),
         _user: User = require_roles("GET", "/sync/pull")) -> Response:
    server_epoch = current_epoch(s)
    if epoch is not None and epoch != server_epoch:
        # Restored from a backup (or a different server): the client's cursor means nothing here.
        raise HTTPException(status.HTTP_410_GONE, "server epoch changed: resync from scratch")
    if epoch == server_epoch and since > newest_version(s):
        raise ahead_of_server(s)
    if 0 < since < pull_floor(s):
        # Tombstones after this cursor were compacted away: deletions could be missed.
        raise HTTPException(status.HTTP_410_GONE, "cursor too old: resync from scratch")
    query = (select(TicketRecord.version, TicketRecord.id, TicketRecord.deleted,
                    TicketRecord.data)
             .where(TicketRecord.version > since)
             .order_by(TicketRecord.version).limit(limit + 1))
    horizon = pull_horizon(s)
    if horizon is not None:  # versions still in flight below it would be skipped
        query = query.where(TicketRecord.version < horizon)
    rows = s.execute(query).all()
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
