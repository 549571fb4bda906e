"""The central API: health, sign-in, catalogues, calendar, policy, users; sync in sync.py."""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
from anyio.lowlevel import RunVar
from fastapi import APIRouter, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import Field, StrictBool
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent_app import __version__
from agent_app.core.enums import Role
from agent_app.core.refusals import DATE_TWICE, NUL_IN_ADDRESS, TOO_LARGE, RefusedError
from agent_app.paths import resources_dir
from central_api import (
    accounts,
    audit,
    epochs,
    kb,
    kb_drafts,
    kb_learning,
    limits,
    migrate,
    seeding,
    sync,
    tickets,
    workflow,
)
from central_api import db as database
from central_api.deps import (
    ALL_ROLES,
    API,
    ENDPOINT_ROLES,
    MAX_BODY_BYTES,
    IsoDate,
    RequestBody,
    SessionDep,
    Strict,
    refusals,
    require_roles,
)
from central_api.epochs import EPOCH_KEY, current_epoch
from central_api.models import CalendarOverrideRow, ServerMeta, User
from central_api.refused import core_refusal, http_refusal, refuse, refused_response
from central_api.security import dummy_hash, hash_password

__all__ = ["ALL_ROLES", "API", "DEMO_PASSWORD", "ENDPOINT_ROLES", "create_app"]

DEMO_USERS = (
    ("op01", "话务员一号", Role.OPERATOR, None),
    ("op02", "话务员二号", Role.OPERATOR, None),
    ("lead01", "值班班长", Role.LEAD, None),
    ("unit-cgj", "市城市管理局", Role.UNIT, "pds-csglj"),
    ("admin", "系统管理员", Role.ADMIN, None),
)
DEMO_PASSWORD = "demo"


class CalendarOverride(RequestBody):
    date: IsoDate
    workday: StrictBool  # as documented: 0 or "yes" is refused, not guessed at
    note: str = Field(default="", max_length=200)


class Health(Strict):
    status: str
    version: str
    server_epoch: str
    time: datetime


def _read_catalogue(name: str) -> Any:
    return json.loads((resources_dir() / "catalogues" / name).read_text(encoding="utf-8"))


CATALOGUES = ("appeal_types", "channels", "categories", "units", "locations", "routing")


@functools.cache
def _catalogues_body() -> bytes:
    """The catalogues ship with the server and change only with it: read, parsed and encoded
    once per process, not for each of the hundreds of clients that sign in at a shift change."""
    return json.dumps({name: _read_catalogue(f"{name}.json") for name in CATALOGUES},
                      ensure_ascii=False).encode()


# Health and sign-in need no token; everything else answers 401/403 as require_roles decides.
public = APIRouter(prefix=API)
router = APIRouter(prefix=API, responses=refusals(401, 403))


@public.get("/health", response_model=Health)
def health(s: SessionDep) -> Health:
    return Health(status="ok", version=__version__, server_epoch=current_epoch(s),
                  time=datetime.now(UTC))


@router.get("/catalogues", response_model=dict[str, Any])
def catalogues(_user: User = require_roles("GET", "/catalogues")) -> Response:
    return Response(_catalogues_body(), media_type="application/json")


@router.get("/calendar/overrides", response_model=list[CalendarOverride])
def get_overrides(s: SessionDep, _user: User = require_roles("GET", "/calendar/overrides")
                  ) -> list[CalendarOverride]:
    rows = s.scalars(select(CalendarOverrideRow).order_by(CalendarOverrideRow.day))
    return [CalendarOverride(date=r.day, workday=r.workday, note=r.note) for r in rows]


@router.put("/calendar/overrides", response_model=list[CalendarOverride])
def put_overrides(body: list[CalendarOverride], s: SessionDep,
                  user: User = require_roles("PUT", "/calendar/overrides")
                  ) -> list[CalendarOverride]:
    days = [o.date for o in body]
    if len(set(days)) != len(days):
        raise refuse(DATE_TWICE)
    s.execute(delete(CalendarOverrideRow))
    s.add_all(CalendarOverrideRow(day=o.date, workday=o.workday, note=o.note) for o in body)
    audit.record(s, actor=user.username, client_id=None, action="calendar.overrides",
                 detail={"days": len(body)})
    s.commit()
    return sorted(body, key=lambda o: o.date)


@router.get("/deadline-policy")
def deadline_policy(_user: User = require_roles("GET", "/deadline-policy")) -> dict[str, Any]:
    policy: dict[str, Any] = _read_catalogue("deadline_policy.json")
    return policy


class RequestGuard:
    """Refusals before any endpoint runs: a body over the limit, whether announced by
    Content-Length or streamed in chunks (413), and NUL in the address (422), which PostgreSQL
    text cannot hold. NUL in bodies is refused by the `Strict` models."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            await refused_response(RefusedError(TOO_LARGE))(scope, receive, send)
            return
        if "\x00" in scope["path"] or b"%00" in scope["query_string"]:
            await refused_response(RefusedError(NUL_IN_ADDRESS))(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_BODY_BYTES:
                # Raised while FastAPI reads the body, which passes it on as the answer.
                raise refuse(TOO_LARGE)
            return message

        await self.app(scope, limited_receive, send)


async def invalid_request(_request: Request, exc: RequestValidationError) -> Response:
    """FastAPI's own 422, with everything outside ASCII escaped: the input it echoes may hold
    an unpaired surrogate, which has no UTF-8 and would turn the refusal into a 500."""
    body = json.dumps({"detail": jsonable_encoder(exc.errors())}, ensure_ascii=True)
    return Response(body, 422, media_type="application/json")


async def method_not_allowed(request: Request, exc: StarletteHTTPException) -> Response:
    """FastAPI's 405 names the methods of one route in Allow, and it makes a route per method:
    name every method the address has, as the API's own document lists them."""
    if not hasattr(request.app.state, "methods_by_address"):
        request.app.state.methods_by_address = [
            (compile_path(path)[0], {method.upper() for method in operations})
            for path, operations in request.app.openapi()["paths"].items()]
    allowed = sorted({method for pattern, methods in request.app.state.methods_by_address
                      if pattern.match(request.url.path) for method in methods})
    return JSONResponse({"detail": exc.detail}, 405, headers={"Allow": ", ".join(allowed)})


def create_app(db_url: str, *, token_ttl: timedelta = timedelta(hours=12),
               seed_demo_users: bool = False,
               demo_tickets: Sequence[Mapping[str, Any]] = (),
               demo_articles: Sequence[Mapping[str, Any]] = (),
               server_limits: limits.ServerLimits | None = None) -> FastAPI:
    engine = database.make_engine(db_url)
    migrate.upgrade(engine)
    sessions = database.session_factory(engine)
    # RequestGuard and FastAPI's body parsing may answer these for any address.
    app = FastAPI(title="12345 hotline central API", version=__version__,
                  responses=refusals(400, 413, 422))
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.connection_slots = RunVar[anyio.Semaphore]("connection_slots")  # deps.py
    app.state.token_ttl = token_ttl
    app.state.hashing_threads = RunVar[anyio.CapacityLimiter]("hashing_threads")  # accounts.py
    app.state.limits = limits.for_engine(engine, server_limits or limits.ServerLimits())
    _first_start(sessions)
    dummy_hash()  # once now, not on the event loop at the first sign-in of an unknown name
    epochs.check_history(engine, sessions)  # a restored or copied-in database: new epoch
    if seed_demo_users:
        _seed_users(sessions)
    if demo_tickets:
        with sessions() as session:
            seeding.seed_tickets(session, demo_tickets)
    if demo_articles:
        with sessions() as session:
            seeding.seed_articles(session, demo_articles)
    app.add_middleware(RequestGuard)
    # Starlette types a handler as taking any Exception; each of these takes the one it is for.
    app.add_exception_handler(RequestValidationError, invalid_request)  # type: ignore[arg-type]
    app.add_exception_handler(405, method_not_allowed)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http_refusal)  # type: ignore[arg-type]
    app.add_exception_handler(RefusedError, core_refusal)  # type: ignore[arg-type]
    app.include_router(public)
    app.include_router(accounts.public)
    app.include_router(router)
    app.include_router(accounts.router)
    app.include_router(sync.router)
    app.include_router(workflow.router)
    app.include_router(tickets.router)
    app.include_router(kb.router)
    app.include_router(kb_drafts.router)
    app.include_router(kb_learning.router)
    return app


def _first_start(sessions: sessionmaker[Session]) -> None:
    """A new database gets its first epoch and the shipped calendar overrides, in one
    transaction. Seeding only then keeps an admin's later edits (even an empty list) across
    restarts."""
    with sessions() as s:
        if s.get(ServerMeta, EPOCH_KEY) is not None:
            return
        s.add(ServerMeta(key=EPOCH_KEY, value=str(uuid.uuid4())))
        s.add_all(CalendarOverrideRow(day=o.date, workday=o.workday, note=o.note)
                  for o in _shipped_overrides())
        s.commit()


def _shipped_overrides() -> list[CalendarOverride]:
    path = resources_dir() / "catalogues" / "calendar_overrides.json"
    if not path.exists():
        return []
    fields = set(CalendarOverride.model_fields)
    return [CalendarOverride.model_validate({k: v for k, v in item.items() if k in fields})
            for item in json.loads(path.read_text(encoding="utf-8"))]


def _seed_users(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        existing = set(s.scalars(select(User.username)))
        for username, display_name, role, unit_code in DEMO_USERS:
            if username not in existing:
                s.add(User(username=username, display_name=display_name, role=role.value,
                           unit_code=unit_code, password_hash=hash_password(DEMO_PASSWORD),
                           active=True, created_at=datetime.now(UTC)))
        s.commit()
