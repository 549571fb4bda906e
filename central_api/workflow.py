"""What a handling unit does with a dispatched ticket: accept 签收, reply 答复, return 退单,
ask for an extension 延期. Endpoints for unit users, and the demo's unit simulator, both call
these; the lifecycle table of the core decides what is allowed."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from agent_app.core.catalogue import Catalogue
from agent_app.core.enums import TicketStatus
from agent_app.core.lifecycle import (
    Action,
    InvalidTransitionError,
    SideEvent,
    apply_action,
    check_side_event,
)
from agent_app.paths import resources_dir
from central_api.deps import API, SessionDep, require_roles
from central_api.models import TicketRecord, User
from central_api.sync import next_version


class WorkflowError(Exception):
    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code


@lru_cache(maxsize=1)
def _catalogue() -> Catalogue:
    return Catalogue.load(resources_dir() / "catalogues")


def unit_name(unit_code: str | None) -> str:
    unit = next((u for u in _catalogue().units if u.code == unit_code), None)
    if unit is None:
        raise WorkflowError(403, "this account is not linked to a handling unit")
    return unit.name


def _load(session: Session, ticket_id: str, unit: str) -> tuple[TicketRecord, dict[str, Any]]:
    record = session.scalar(select(TicketRecord).where(TicketRecord.id == ticket_id)
                            .with_for_update())
    if record is None or record.deleted:
        raise WorkflowError(404, f"no ticket {ticket_id}")
    data = json.loads(record.data)
    if data.get("unit") != unit:
        # Units see and act on their own tickets only; another unit's is as if absent.
        raise WorkflowError(404, f"no ticket {ticket_id}")
    return record, data


def _record(session: Session, record: TicketRecord, data: dict[str, Any], kind: str,
            actor: str, **extra: Any) -> dict[str, Any]:
    data["events"].append({"id": str(uuid.uuid4()), "at": datetime.now(UTC).isoformat(),
                           "kind": kind, "actor": actor, **extra})
    record.data = json.dumps(data, ensure_ascii=False)
    record.status = data["status"]
    record.version = next_version(session)
    record.updated_at = datetime.now(UTC)
    return data


def perform(session: Session, ticket_id: str, unit: str, kind: str, **extra: Any
            ) -> dict[str, Any]:
    """Apply one unit action and commit; raises WorkflowError with an HTTP status."""
    record, data = _load(session, ticket_id, unit)
    current = TicketStatus(data["status"])
    try:
        if kind == "extension":
            check_side_event(current, SideEvent.EXTENSION)
            extra["decision"] = "pending"
        else:
            action = {"accepted": Action.ACCEPT, "replied": Action.REPLY,
                      "returned": Action.RETURN}[kind]
            data["status"] = apply_action(current, action).value
    except InvalidTransitionError as exc:
        raise WorkflowError(409, str(exc)) from exc
    result = _record(session, record, data, kind, unit, unit=unit, **extra)
    session.commit()
    return result


class ReplyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=5, max_length=2000)


class ReturnBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=2, max_length=500)


class ExtensionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    requested_deadline: datetime
    reason: str = Field(min_length=2, max_length=500)


router = APIRouter(prefix=API)


def _run(session: Session, user: User, ticket_id: str, kind: str, **extra: Any
         ) -> dict[str, Any]:
    try:
        return perform(session, ticket_id, unit_name(user.unit_code), kind, **extra)
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
    return [json.loads(row.data) for row in rows]


@router.post("/unit/tickets/{ticket_id}/accept")
def accept(ticket_id: str, s: SessionDep,
           user: User = require_roles("POST", "/unit/tickets/{ticket_id}/accept"),
           ) -> dict[str, Any]:
    return _run(s, user, ticket_id, "accepted")


@router.post("/unit/tickets/{ticket_id}/reply")
def reply(ticket_id: str, body: ReplyBody, s: SessionDep,
          user: User = require_roles("POST", "/unit/tickets/{ticket_id}/reply"),
          ) -> dict[str, Any]:
    return _run(s, user, ticket_id, "replied", text=body.text)


@router.post("/unit/tickets/{ticket_id}/return")
def return_ticket(ticket_id: str, body: ReturnBody, s: SessionDep,
                  user: User = require_roles("POST", "/unit/tickets/{ticket_id}/return"),
                  ) -> dict[str, Any]:
    return _run(s, user, ticket_id, "returned", reason=body.reason)


@router.post("/unit/tickets/{ticket_id}/extension")
def extension(ticket_id: str, body: ExtensionBody, s: SessionDep,
              user: User = require_roles("POST", "/unit/tickets/{ticket_id}/extension"),
              ) -> dict[str, Any]:
    if body.requested_deadline.tzinfo is None:
        raise HTTPException(422,
                            "requested_deadline needs a time zone offset")
    return _run(s, user, ticket_id, "extension",
                requested_deadline=body.requested_deadline.isoformat(), reason=body.reason)
