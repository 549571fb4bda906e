"""The central API: health, sign-in, catalogues, calendar, policy, users; sync in sync.py."""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Self

import anyio
from anyio.lowlevel import RunVar
from fastapi import APIRouter, FastAPI, HTTPException, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import Field, StrictBool, model_validator
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent_app import __version__
from agent_app.core.enums import Role
from agent_app.paths import resources_dir
from central_api import db as database
from central_api import kb, kb_learning, migrate, sync, tickets, workflow
from central_api.deps import (
    ALL_ROLES,
    API,
    ENDPOINT_ROLES,
    MAX_BODY_BYTES,
    IsoDate,
    RequestBody,
    SessionDep,
    Strict,
    TokenDep,
    refusals,
    require_roles,
    unauthorized,
)
from central_api.epochs import EPOCH_KEY, current_epoch
from central_api.models import AuthToken, CalendarOverrideRow, ServerMeta, User
from central_api.security import (
    dummy_hash,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)

__all__ = ["ALL_ROLES", "API", "DEMO_PASSWORD", "ENDPOINT_ROLES", "create_app"]

DEMO_USERS = (
    ("op01", "话务员一号", Role.OPERATOR, None),
    ("op02", "话务员二号", Role.OPERATOR, None),
    ("lead01", "值班班长", Role.LEAD, None),
    ("unit-cgj", "市城市管理局", Role.UNIT, "pds-csglj"),
    ("admin", "系统管理员", Role.ADMIN, None),
)
DEMO_PASSWORD = "demo"
TOO_LARGE = "request body too large (limit 1 MiB)"


class LoginRequest(RequestBody):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class UserOut(Strict):
    username: str
    display_name: str
    role: Role
    unit_code: str | None


class LoginResponse(Strict):
    token: str
    expires_at: datetime
    user: UserOut


class NewUser(RequestBody):
    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    display_name: str = Field(min_length=1, max_length=64)
    role: Role
    unit_code: str | None = Field(default=None, max_length=40)
    password: str = Field(min_length=8, max_length=256)

    @model_validator(mode="after")
    def _unit_accounts_name_their_unit(self) -> Self:
        # Units see only their own tickets; an account without a unit would see nothing.
        if self.role is Role.UNIT and not self.unit_code:
            raise ValueError("a unit account needs a unit_code")
        if self.role is Role.UNIT and not workflow.is_unit_code(self.unit_code):
            # Otherwise the account is created and then refused everywhere.
            raise ValueError(f"unknown unit_code {self.unit_code!r}: not in the unit catalogue")
        return self


class CalendarOverride(RequestBody):
    date: IsoDate
    workday: StrictBool  # as documented: 0 or "yes" is refused, not guessed at
    note: str = Field(default="", max_length=200)


class Health(Strict):
    status: str
    version: str
    server_epoch: str
    time: datetime


def _user_out(user: User) -> UserOut:
    return UserOut(username=user.username, display_name=user.display_name,
                   role=Role(user.role), unit_code=user.unit_code)


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


@public.post("/auth/login", response_model=LoginResponse, responses=refusals(401))
def login(body: LoginRequest, s: SessionDep, request: Request) -> LoginResponse:
    user = s.scalar(select(User).where(User.username == body.username))
    # Same answer, after the same work, for an unknown user and a wrong password: no user
    # enumeration by message or by timing.
    password_ok = verify_password(body.password,
                                  user.password_hash if user is not None else dummy_hash())
    if user is None or not user.active or not password_ok:
        raise unauthorized("invalid username or password")
    token = new_token()
    now = datetime.now(UTC)
    expires = now + request.app.state.token_ttl
    s.add(AuthToken(token_hash=token_digest(token), user_id=user.id, issued_at=now,
                    expires_at=expires, revoked=False))
    s.commit()
    return LoginResponse(token=token, expires_at=expires, user=_user_out(user))


@router.post("/auth/logout", status_code=204)
def logout(s: SessionDep, token: TokenDep,
           _user: User = require_roles("POST", "/auth/logout")) -> None:
    row = s.get(AuthToken, token_digest(token))
    if row is not None:
        row.revoked = True
        s.commit()


@router.get("/auth/me", response_model=UserOut)
def me(user: User = require_roles("GET", "/auth/me")) -> UserOut:
    return _user_out(user)


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
                  _user: User = require_roles("PUT", "/calendar/overrides")
                  ) -> list[CalendarOverride]:
    days = [o.date for o in body]
    if len(set(days)) != len(days):
        raise HTTPException(422, "each date may appear only once")
    s.execute(delete(CalendarOverrideRow))
    s.add_all(CalendarOverrideRow(day=o.date, workday=o.workday, note=o.note) for o in body)
    s.commit()
    return sorted(body, key=lambda o: o.date)


@router.get("/deadline-policy")
def deadline_policy(_user: User = require_roles("GET", "/deadline-policy")) -> dict[str, Any]:
    return _read_catalogue("deadline_policy.json")


@router.get("/users", response_model=list[UserOut])
def list_users(s: SessionDep, _user: User = require_roles("GET", "/users")) -> list[UserOut]:
    return [_user_out(u) for u in s.scalars(select(User).order_by(User.username))]


@router.post("/users", response_model=UserOut, status_code=201, responses=refusals(409))
def create_user(body: NewUser, s: SessionDep,
                _user: User = require_roles("POST", "/users")) -> UserOut:
    user = User(username=body.username, display_name=body.display_name, role=body.role.value,
                unit_code=body.unit_code, password_hash=hash_password(body.password),
                active=True, created_at=datetime.now(UTC))
    s.add(user)
    try:
        s.commit()
    except IntegrityError:
        s.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "username already exists") from None
    return _user_out(user)


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
            await JSONResponse({"detail": TOO_LARGE}, 413)(scope, receive, send)
            return
        if "\x00" in scope["path"] or b"%00" in scope["query_string"]:
            await JSONResponse({"detail": "the address must not contain NUL characters"},
                               422)(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_BODY_BYTES:
                # Raised while FastAPI reads the body, which passes it on as the answer.
                raise HTTPException(413, TOO_LARGE)
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
               demo_articles: Sequence[Mapping[str, Any]] = ()) -> FastAPI:
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
    _first_start(sessions)
    if seed_demo_users:
        _seed_users(sessions)
    if demo_tickets:
        with sessions() as session:
            sync.seed_tickets(session, demo_tickets)
    if demo_articles:
        with sessions() as session:
            kb.seed_articles(session, demo_articles)
    app.add_middleware(RequestGuard)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(405, method_not_allowed)
    app.include_router(public)
    app.include_router(router)
    app.include_router(sync.router)
    app.include_router(workflow.router)
    app.include_router(tickets.router)
    app.include_router(kb.router)
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
