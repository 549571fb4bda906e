"""The ticket operations clients push (sync.py applies them): a creation from the facts of a
call, a recovery after a restore, a ticket command, and the previous protocol's note."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

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
    WireError,
    check_command_shape,
    check_event_id,
    parse_intake,
)
from central_api.commands import (
    UnknownTicketError,
    deadline_policy,
    locked_ticket,
    run_command,
    store_ticket,
    working_calendar,
)
from central_api.epochs import replaced_epochs
from central_api.models import TicketRecord, User
from central_api.mutations import Mutation, RejectedError, mutation_client
from central_api.versions import lock_versions


def create_ticket(session: Session, mutation: Mutation, user: User) -> int:
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


def recover_ticket(session: Session, mutation: Mutation, user: User) -> int:
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


def add_note(session: Session, mutation: Mutation, user: User) -> int:
    """The previous protocol's note: the same as a note command."""
    event = mutation.args.get("event")
    if not isinstance(event, dict) or event.get("kind") != EventKind.NOTE:
        raise RejectedError(W_MALFORMED)
    data = {k: v for k, v in event.items() if k not in ("id", "at", "kind", "actor")}
    args = {"ticket_id": mutation.entity_id, "kind": SideEvent.NOTE.value,
            "event_id": event.get("id"), "at": event.get("at"), "data": data}
    return ticket_action(session, mutation.model_copy(update={"args": args}), user)



def ticket_action(session: Session, mutation: Mutation, user: User) -> int:
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

