"""What a handling unit does with a dispatched ticket: accept 签收, reply 答复, return 退单,
ask for an extension 延期. Endpoints for unit users, and the demo's unit simulator, both call
these; they are ticket commands (agent_app/core/actions.py), checked like every other."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from agent_app.core.actions import (
    UNIT_STEP_PATHS,
    CommandKind,
    CommandRefusedError,
    NetworkStep,
    TicketCommand,
    authorise_unit,
    involves_unit,
)
from agent_app.core.catalogue import Catalogue
from agent_app.core.enums import Role
from agent_app.core.interchange import ticket_to_dict
from agent_app.core.lifecycle import (
    DEADLINE_RUNNING_STATES,
    WITH_UNIT_STATES,
    Action,
    EventKind,
    SideEvent,
)
from agent_app.core.masking import identity_patterns, withhold_identity
from agent_app.core.network import assisting_units, shipped_network
from agent_app.core.refusals import (
    DEADLINE_NEEDS_OFFSET,
    NO_TICKET,
    NOT_A_UNIT_ACCOUNT,
    REQUESTED_DEADLINE_NEEDS_OFFSET,
    TICKET_COMMAND,
    RefusedError,
)
from agent_app.core.wire import (
    MAX_ID_CHARS,
    MAX_REASON_CHARS,
    MAX_TEXT_CHARS,
    MAX_UNIT_CHARS,
    MIN_REASON_CHARS,
    MIN_REPLY_CHARS,
)
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
from central_api.refused import RefusedAnswer, refuse


class WorkflowError(RefusedError):
    """A unit action refused, in the vocabulary of core/py."""

    @property
    def status_code(self) -> int:
        return self.status


@lru_cache(maxsize=1)
def _catalogue() -> Catalogue:
    return Catalogue.load(resources_dir() / "catalogues")


def is_unit_code(unit_code: str | None) -> bool:
    """A catalogue unit, or a place of the network (a community station, a county town)."""
    return (any(u.code == unit_code for u in _catalogue().units)
            or shipped_network().unit_named_by_code(unit_code) is not None)


def unit_name(unit_code: str | None) -> str:
    unit = next((u for u in _catalogue().units if u.code == unit_code), None)
    if unit is not None:
        return unit.name
    name = shipped_network().unit_named_by_code(unit_code)
    if name is None:
        raise WorkflowError(NOT_A_UNIT_ACCOUNT)
    return name


def perform(session: Session, ticket_id: str, unit: str, kind: CommandKind,
            data: Mapping[str, Any] | None = None, *, actor: str | None = None
            ) -> dict[str, Any]:
    """Apply one unit action through the shared ticket commands and commit; raises
    WorkflowError with an HTTP status."""
    try:
        record, ticket = locked_ticket(session, ticket_id)
    except UnknownTicketError:
        raise WorkflowError(NO_TICKET, ticket_id) from None
    if not involves_unit(ticket, unit):
        # Units see and act on the tickets they hold, passed down or assist on; another
        # unit's is as if absent.
        raise WorkflowError(NO_TICKET, ticket_id)
    payload = dict(data or {})
    if kind is NetworkStep.ASSIST_REPLY:
        payload["unit"] = unit  # the signed-in unit replies for itself, never for another
    command = TicketCommand(ticket_id, kind, datetime.now(UTC), unit, payload)
    try:
        # Where the unit stands on this ticket (holder, passed on, assisting) with its reason.
        authorise_unit(ticket, kind, unit)
        result = run_command(session, record, ticket, command, Role.UNIT)
    except CommandRefusedError as exc:
        raise WorkflowError(TICKET_COMMAND, *exc.values,
                            sentence=exc.reason) from exc
    audit.record(session, actor=actor or unit, client_id=None, action="unit.action",
                 ticket_id=ticket_id, detail={"kind": kind.value})
    session.commit()
    return ticket_to_dict(result)


# Texts held to the bounds the commands apply (core/wire), counted as they count them:
# without the spaces around them. A push and an endpoint accept and refuse the same texts.
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=MIN_REASON_CHARS,
                                          max_length=MAX_REASON_CHARS)]
ReplyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=MIN_REPLY_CHARS,
                                             max_length=MAX_TEXT_CHARS)]
UnitName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                            max_length=MAX_UNIT_CHARS)]


class ReplyBody(RequestBody):
    text: ReplyText


class ReturnBody(RequestBody):
    reason: Reason
    # 派单异议 on the 66号文 rules: a code of the fixed list (resources/network); then the
    # return must come within the policy time of receipt.
    reason_code: str | None = Field(default=None, max_length=MAX_ID_CHARS)


class PassDownBody(RequestBody):
    to_unit: UnitName
    # A shorter deadline for the unit below; without it, the deadline from above.
    deadline: IsoDateTime | None = None


class ReturnUpBody(RequestBody):
    reason_code: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    reason: Reason | None = None


class ReviewBody(RequestBody):
    decision: str = Field(pattern="^(accepted|sent_back)$")
    reason: Reason | None = None


class AssistBody(RequestBody):
    unit: UnitName


class ExtensionBody(RequestBody):
    requested_deadline: IsoDateTime
    reason: Reason


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
        raise RefusedAnswer(exc) from None


@router.get("/unit/tickets")
def unit_tickets(s: SessionDep, user: User = require_roles("GET", "/unit/tickets"),
                 ) -> list[dict[str, Any]]:
    try:
        unit = unit_name(user.unit_code)
    except WorkflowError as exc:
        raise RefusedAnswer(exc) from None
    open_states = [state.value for state in WITH_UNIT_STATES]
    rows = s.scalars(select(TicketRecord).where(TicketRecord.unit == unit,
                                                TicketRecord.status.in_(open_states),
                                                TicketRecord.deleted.is_(False))
                     .order_by(TicketRecord.version).limit(500))
    held = [for_unit(json.loads(row.data)) for row in rows]
    return held + _assisting(s, unit, {ticket["id"] for ticket in held})


def _assisting(s: Session, unit: str, seen: set[str]) -> list[dict[str, Any]]:
    """Open tickets the unit assists on (协办): their text names it, their timeline says."""
    open_states = [state.value for state in DEADLINE_RUNNING_STATES]
    rows = s.scalars(select(TicketRecord).where(
        TicketRecord.status.in_(open_states), TicketRecord.deleted.is_(False),
        TicketRecord.data.contains(EventKind.ASSIST_REQUESTED.value),
        TicketRecord.data.contains(json.dumps(unit, ensure_ascii=False)))
        .order_by(TicketRecord.version).limit(500))
    found = []
    for row in rows:
        ticket = json.loads(row.data)
        if ticket["id"] in seen:
            continue
        units = assisting_units([_Event(e) for e in ticket.get("events", ())])
        if unit in units:
            found.append(for_unit(ticket))
    return found


class _Event:
    """An event of a stored ticket as the network functions read it (kind and data)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.kind = data.get("kind")
        self.data = data


@dataclass(frozen=True)
class UnitStep:
    """One unit endpoint, POST /unit/tickets/{ticket_id}/<path>: the command it runs, with
    the body's fields as the command's data (those left out are not sent; times as ISO
    text, which must carry an offset)."""

    kind: CommandKind
    body: type[RequestBody] | None
    name: str  # the endpoint's name, which its OpenAPI operation id is made of
    doc: str | None = None

    @property
    def path(self) -> str:
        return UNIT_STEP_PATHS[self.kind]


UNIT_STEPS = (
    UnitStep(Action.ACCEPT, None, "accept"),
    UnitStep(Action.REPLY, ReplyBody, "reply"),
    UnitStep(Action.RETURN, ReturnBody, "return_ticket"),
    UnitStep(NetworkStep.PASS_DOWN, PassDownBody, "pass_down",
             "下派 to a unit directly below the signed-in unit, within its own area."),
    UnitStep(NetworkStep.REPLY_UP, ReplyBody, "reply_up",
             "The reply of a unit a ticket was passed down to, to the unit above."),
    UnitStep(NetworkStep.RETURN_UP, ReturnUpBody, "return_up",
             "A passed-down ticket back to the unit above, with a reason from the fixed list."),
    UnitStep(NetworkStep.REVIEW_REPLY, ReviewBody, "review_reply",
             "The upper unit accepts the reply from below, or sends it back with a reason."),
    UnitStep(NetworkStep.REQUEST_ASSIST, AssistBody, "request_assist",
             "The lead unit names an assisting unit (协办)."),
    UnitStep(NetworkStep.ASSIST_REPLY, ReplyBody, "assist_reply",
             "An assisting unit's reply to the lead unit, on the timeline the centre sees."),
    UnitStep(SideEvent.EXTENSION, ExtensionBody, "extension"),
)


# One refusal per time field, so each names the field the user filled in.
_NEEDS_OFFSET = {"deadline": DEADLINE_NEEDS_OFFSET,
                 "requested_deadline": REQUESTED_DEADLINE_NEEDS_OFFSET}


def command_data(body: RequestBody) -> dict[str, Any]:
    """A body's fields as a command's data."""
    data: dict[str, Any] = {}
    for field, value in body:
        if value is None:
            continue
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise refuse(_NEEDS_OFFSET[field])
            value = value.isoformat()
        data[field] = value
    return data


def _unit_endpoint(step: UnitStep) -> Callable[..., dict[str, Any]]:
    route = f"/unit/tickets/{{ticket_id}}/{step.path}"
    if step.body is None:
        def act(ticket_id: str, s: SessionDep,
                user: User = require_roles("POST", route)) -> dict[str, Any]:
            return _run(s, user, ticket_id, step.kind)
    else:
        def act(ticket_id: str, body: RequestBody, s: SessionDep,  # type: ignore[misc]
                user: User = require_roles("POST", route)) -> dict[str, Any]:
            return _run(s, user, ticket_id, step.kind, command_data(body))
        act.__annotations__["body"] = step.body  # FastAPI reads the body's model from here
    act.__name__ = act.__qualname__ = step.name
    act.__doc__ = step.doc
    router.post(route, responses=ACTION_REFUSALS)(act)
    return act


for _step in UNIT_STEPS:
    _unit_endpoint(_step)
