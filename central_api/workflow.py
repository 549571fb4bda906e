"""What a handling unit does with a dispatched ticket: accept 签收, reply 答复, return 退单,
ask for an extension 延期. Endpoints for unit users, and the demo's unit simulator, both call
these; they are ticket commands (agent_app/core/actions.py), checked like every other."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from agent_app.core.actions import CommandKind, CommandRefusedError, TicketCommand
from agent_app.core.catalogue import Catalogue
from agent_app.core.enums import Role, TicketStatus
from agent_app.core.interchange import ticket_to_dict
from agent_app.core.lifecycle import Action, SideEvent
from agent_app.core.masking import identity_patterns, withhold_identity
from agent_app.paths import resources_dir
from central_api import audit
from central_api.commands import UnknownTicketError, locked_ticket, run_command
from central_api.deps import (
    API,
    IsoDateTime,
    RequestBody,
    SessionDep,
    refusals,
    require_roles,
)
from central_api.models import TicketRecord, User


class WorkflowError(Exception):
    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code


@lru_cache(maxsize=1)
def _catalogue() -> Catalogue:
    return Catalogue.load(resources_dir() / "catalogues")


def is_unit_code(unit_code: str | None) -> bool:
    return any(u.code == unit_code for u in _catalogue().units)


def unit_name(unit_code: str | None) -> str:
    unit = next((u for u in _catalogue().units if u.code == unit_code), None)
    if unit is None:
        raise WorkflowError(403, "this account is not linked to a handling unit")
    return unit.name


def perform(session: Session, ticket_id: str, unit: str, kind: CommandKind,
            data: Mapping[str, Any] | None = None, *, actor: str | None = None
            ) -> dict[str, Any]:
    """Apply one unit action through the shared ticket commands and commit; raises
    WorkflowError with an HTTP status."""
    try:
        record, ticket = locked_ticket(session, ticket_id)
    except UnknownTicketError:
        raise WorkflowError(404, f"no ticket {ticket_id}") from None
    if ticket.unit != unit:
        # Units see and act on their own tickets only; another unit's is as if absent.
        raise WorkflowError(404, f"no ticket {ticket_id}")
    command = TicketCommand(ticket_id, kind, datetime.now(UTC), unit, dict(data or {}))
    try:
        result = run_command(session, record, ticket, command, Role.UNIT)
    except CommandRefusedError as exc:
        raise WorkflowError(409, exc.reason) from exc
    audit.record(session, actor=actor or unit, client_id=None, action="unit.action",
                 ticket_id=ticket_id, detail={"kind": kind.value})
    session.commit()
    return ticket_to_dict(result)


class ReplyBody(RequestBody):
    text: str = Field(min_length=5, max_length=2000)


class ReturnBody(RequestBody):
    reason: str = Field(min_length=2, max_length=500)


class ExtensionBody(RequestBody):
    requested_deadline: IsoDateTime
    reason: str = Field(min_length=2, max_length=500)


router = APIRouter(prefix=API, responses=refusals(401, 403))
# What a unit's action on one ticket may answer besides: not its ticket (404), not now (409).
ACTION_REFUSALS = refusals(404, 409)


WITHHELD = "***"


def for_unit(ticket: Mapping[str, Any]) -> dict[str, Any]:
    """A ticket as a unit may see it. A confidential caller's name and phone are withheld
    (保密: hidden from units), also where the operator wrote them into the text, the address,
    a note or a reply, in whatever form (core/masking.identity_patterns);
    the ticket still says `confidential`, so the unit knows why. Every unit-facing answer
    goes through here."""
    if not ticket.get("confidential"):
        return dict(ticket)
    caller = ticket.get("caller") or {}
    patterns = identity_patterns(str(caller.get("name", "")), str(caller.get("phone", "")))
    shown: dict[str, Any] = _withhold(ticket, patterns)  # a mapping stays a mapping
    shown["caller"] = {**caller, "name": "", "phone": ""}
    return shown


def _withhold(value: Any, patterns: list[re.Pattern[str]]) -> Any:
    if isinstance(value, str):
        return withhold_identity(value, patterns, WITHHELD)
    if isinstance(value, Mapping):
        return {key: _withhold(item, patterns) for key, item in value.items()}
    if isinstance(value, list):
        return [_withhold(item, patterns) for item in value]
    return value


def _run(session: Session, user: User, ticket_id: str, kind: CommandKind,
         data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    try:
        return for_unit(perform(session, ticket_id, unit_name(user.unit_code), kind, data,
                                actor=user.username))
    except WorkflowError as exc:
        session.rollback()
        raise HTTPException(exc.status_code, str(exc)) from None


@router.get("/unit/tickets")
def unit_tickets(s: SessionDep, user: User = require_roles("GET", "/unit/tickets"),
                 ) -> list[dict[str, Any]]:
    try:
        unit = unit_name(user.unit_code)
    except WorkflowError as exc:
        raise HTTPException(exc.status_code, str(exc)) from None
    open_states = [TicketStatus.DISPATCHED.value, TicketStatus.ACCEPTED.value]
    rows = s.scalars(select(TicketRecord).where(TicketRecord.unit == unit,
                                                TicketRecord.status.in_(open_states),
                                                TicketRecord.deleted.is_(False))
                     .order_by(TicketRecord.version).limit(500))
    return [for_unit(json.loads(row.data)) for row in rows]


@router.post("/unit/tickets/{ticket_id}/accept", responses=ACTION_REFUSALS)
def accept(ticket_id: str, s: SessionDep,
           user: User = require_roles("POST", "/unit/tickets/{ticket_id}/accept"),
           ) -> dict[str, Any]:
    return _run(s, user, ticket_id, Action.ACCEPT)


@router.post("/unit/tickets/{ticket_id}/reply", responses=ACTION_REFUSALS)
def reply(ticket_id: str, body: ReplyBody, s: SessionDep,
          user: User = require_roles("POST", "/unit/tickets/{ticket_id}/reply"),
          ) -> dict[str, Any]:
    return _run(s, user, ticket_id, Action.REPLY, {"text": body.text})


@router.post("/unit/tickets/{ticket_id}/return", responses=ACTION_REFUSALS)
def return_ticket(ticket_id: str, body: ReturnBody, s: SessionDep,
                  user: User = require_roles("POST", "/unit/tickets/{ticket_id}/return"),
                  ) -> dict[str, Any]:
    return _run(s, user, ticket_id, Action.RETURN, {"reason": body.reason})


@router.post("/unit/tickets/{ticket_id}/extension", responses=ACTION_REFUSALS)
def extension(ticket_id: str, body: ExtensionBody, s: SessionDep,
              user: User = require_roles("POST", "/unit/tickets/{ticket_id}/extension"),
              ) -> dict[str, Any]:
    if body.requested_deadline.tzinfo is None:
        raise HTTPException(422,
                            "requested_deadline needs a time zone offset")
    return _run(s, user, ticket_id, SideEvent.EXTENSION,
                {"requested_deadline": body.requested_deadline.isoformat(),
                 "reason": body.reason})
