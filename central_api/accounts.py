"""Accounts: sign-in and sign-out, the user list, and what IT does with accounts (issue 15,
item 7) — add, reset a password, disable and enable, end a user's sessions.

The same functions serve the `agent-api users` commands and the endpoints, so both apply the
one password policy (agent_app/core/passwords.py) and both leave an audit entry in the act's
own transaction.

Hashing a password (about 50 ms of CPU) never holds a database connection: a flood of
sign-ins once held every connection while hashing and a signed-in client's pull waited 12 s.
Sign-in looks the user up in one short session, hashes on a small pool of its own threads
with no connection held, then writes the token in a second short session.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Self, TypeVar, cast

import anyio
from anyio.lowlevel import RunVar
from fastapi import APIRouter, FastAPI, Path, Request
from pydantic import Field, model_validator
from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent_app.core import passwords
from agent_app.core.enums import Role
from agent_app.core.refusals import (
    DISABLE_SELF,
    DISPLAY_NAME_LENGTH,
    LOCKED_OUT,
    NO_USER,
    PASSWORD_JUST_CHANGED,
    PASSWORD_LOCKED_OUT,
    PASSWORD_POLICY,
    UNIT_CODE_NEEDED,
    UNIT_CODE_UNITS_ONLY,
    USERNAME_FORM,
    USERNAME_TAKEN,
    WRONG_LOGIN,
    WRONG_OLD_PASSWORD,
    RefusedError,
)
from central_api import audit, limits, workflow
from central_api.deps import (
    API,
    RequestBody,
    SessionDep,
    Strict,
    TokenDep,
    connection_slots,
    refusals,
    require_roles,
    unauthorized,
)
from central_api.models import AuthToken, User
from central_api.refused import RefusedAnswer, refuse
from central_api.security import (
    dummy_hash,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)

USERNAME_PATTERN = r"^[A-Za-z0-9_.-]+$"
# Threads that hash passwords: as many as the machine has cores to spare, so sign-ins queue
# for them (holding nothing) instead of taking the threads every other request runs on.
HASHING_THREADS = 2

T = TypeVar("T")


class AccountError(RefusedError):
    """An account change that is refused: a refusal of the vocabulary (core/py), for
    the endpoints and for IT's `agent-api users` commands alike."""

    @property
    def status_code(self) -> int:
        return self.status

    @property
    def message(self) -> str:
        """The sentence in Chinese (what the commands print and the server answers)."""
        return self.translated_text("zh_CN")


def password_refusal(password: str, username: str) -> AccountError | None:
    """The policy's refusal of `password`, or None."""
    reason = passwords.problem(password, username)
    return None if reason is None else AccountError(PASSWORD_POLICY, sentence=reason)


def _checked_password(password: str, username: str) -> str:
    refusal = password_refusal(password, username)
    if refusal is not None:
        raise refusal
    return password


def find_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AccountError(NO_USER, username)
    return user


def add_user(session: Session, *, username: str, role: Role, display_name: str,
             unit_code: str | None, password: str, actor: str,
             client_id: str | None = None) -> User:
    """Create an account; commits. The hash is computed before the session touches the
    database (no connection is held while hashing)."""
    if not re.fullmatch(USERNAME_PATTERN, username) or len(username) > 64:
        raise AccountError(USERNAME_FORM)
    if not display_name.strip() or len(display_name) > 64:
        raise AccountError(DISPLAY_NAME_LENGTH)
    if role is Role.UNIT and not workflow.is_unit_code(unit_code):
        raise AccountError(UNIT_CODE_NEEDED)
    if role is not Role.UNIT and unit_code:
        raise AccountError(UNIT_CODE_UNITS_ONLY)
    password_hash = hash_password(_checked_password(password, username))
    user = User(username=username, display_name=display_name.strip(), role=role.value,
                unit_code=unit_code or None, password_hash=password_hash, active=True,
                created_at=datetime.now(UTC))
    session.add(user)
    audit.record(session, actor=actor, client_id=client_id, action="user.add",
                 detail={"username": username, "role": role.value, "unit_code": unit_code})
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise AccountError(USERNAME_TAKEN, username) from None
    return user


def revoke_sessions(session: Session, user: User, *, keep: str | None = None) -> int:
    """Revoke every unexpired token of `user` (but the one whose digest is `keep`); does not
    commit. Returns how many."""
    stmt = (update(AuthToken).where(AuthToken.user_id == user.id,
                                    AuthToken.revoked.is_(False))
            .values(revoked=True))
    if keep is not None:
        stmt = stmt.where(AuthToken.token_hash != keep)
    return int(cast(CursorResult[Any], session.execute(stmt)).rowcount or 0)  # an UPDATE's


def set_password(session: Session, username: str, password: str, *, actor: str,
                 client_id: str | None = None) -> None:
    """An admin's reset: the new password, and every session of that user ends. Commits."""
    _checked_password(password, username)
    session.rollback()  # no connection held while hashing
    password_hash = hash_password(password)
    user = find_user(session, username)
    user.password_hash = password_hash
    revoked = revoke_sessions(session, user)
    audit.record(session, actor=actor, client_id=client_id, action="user.passwd",
                 detail={"username": username, "sessions_revoked": revoked})
    session.commit()


def set_active(session: Session, username: str, active: bool, *, actor: str,
               client_id: str | None = None) -> None:
    """Disable (ending every session) or enable an account. Commits."""
    user = find_user(session, username)
    if not active and user.username == actor:
        raise AccountError(DISABLE_SELF)
    user.active = active
    detail: dict[str, object] = {"username": username}
    if not active:
        detail["sessions_revoked"] = revoke_sessions(session, user)
    audit.record(session, actor=actor, client_id=client_id,
                 action="user.enable" if active else "user.disable", detail=detail)
    session.commit()


def end_sessions(session: Session, username: str, *, actor: str) -> int:
    """`users revoke-sessions`: the user must sign in again everywhere. Commits."""
    user = find_user(session, username)
    revoked = revoke_sessions(session, user)
    audit.record(session, actor=actor, client_id=None, action="user.revoke-sessions",
                 detail={"username": username, "sessions_revoked": revoked})
    session.commit()
    return revoked


# Endpoints -------------------------------------------------------------------------------
class LoginRequest(RequestBody):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class UserOut(Strict):
    username: str
    display_name: str
    role: Role
    unit_code: str | None
    active: bool


class LoginResponse(Strict):
    token: str
    expires_at: datetime
    user: UserOut


class NewUser(RequestBody):
    username: str = Field(min_length=1, max_length=64, pattern=USERNAME_PATTERN)
    display_name: str = Field(min_length=1, max_length=64)
    role: Role
    unit_code: str | None = Field(default=None, max_length=40)
    # The policy (length, kinds, not the name) is checked by the endpoint: its refusal is a
    # Chinese sentence the admin screen can show as it is.
    password: str = Field(min_length=1, max_length=passwords.MAX_LENGTH)

    @model_validator(mode="after")
    def _unit_accounts_name_their_unit(self) -> Self:
        # Units see only their own tickets; an account without a unit would see nothing.
        if self.role is Role.UNIT and not self.unit_code:
            raise ValueError("a unit account needs a unit_code")
        if self.role is Role.UNIT and not workflow.is_unit_code(self.unit_code):
            # Otherwise the account is created and then refused everywhere.
            raise ValueError(f"unknown unit_code {self.unit_code!r}: not in the unit catalogue")
        return self


class NewPassword(RequestBody):
    password: str = Field(min_length=1, max_length=passwords.MAX_LENGTH)


class PasswordChange(RequestBody):
    old_password: str = Field(min_length=1, max_length=passwords.MAX_LENGTH)
    new_password: str = Field(min_length=1, max_length=passwords.MAX_LENGTH)


UsernameParam = Annotated[str, Path(min_length=1, max_length=64)]


def user_out(user: User) -> UserOut:
    return UserOut(username=user.username, display_name=user.display_name,
                   role=Role(user.role), unit_code=user.unit_code, active=bool(user.active))


def _refused(exc: AccountError) -> RefusedAnswer:
    return RefusedAnswer(exc)


public = APIRouter(prefix=API)
router = APIRouter(prefix=API, responses=refusals(401, 403))


def _hashing_threads(app: FastAPI) -> anyio.CapacityLimiter:
    threads: RunVar[anyio.CapacityLimiter] = app.state.hashing_threads
    try:
        return threads.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(HASHING_THREADS)
        threads.set(limiter)
        return limiter


async def _in_short_session(app: FastAPI, work: Callable[[Session], T]) -> T:
    """`work` in a session of its own, on a thread, once a connection slot is free; the
    connection goes back as soon as it is done."""
    def run() -> T:
        with app.state.sessions() as session:
            return work(session)

    async with connection_slots(app):
        return await anyio.to_thread.run_sync(run)


@public.post("/auth/login", response_model=LoginResponse, responses=refusals(401, 429))
async def login(body: LoginRequest, request: Request) -> LoginResponse:
    app = request.app
    server_limits: limits.ServerLimits = app.state.limits
    account = f"user:{body.username.casefold()}"
    address = f"address:{request.client.host if request.client else 'unknown'}"
    # Refused before any work: a locked-out guesser costs neither a hash nor a connection.
    wait = max(server_limits.account.retry_after(account) or 0,
               server_limits.address.retry_after(address) or 0)
    if wait:
        raise limits.too_many(wait, LOCKED_OUT)

    def look_up(session: Session) -> User | None:
        return session.scalar(select(User).where(User.username == body.username))

    user = await _in_short_session(app, look_up)
    # Same answer, after the same work, for an unknown user and a wrong password: no user
    # enumeration by message or by timing.
    stored = user.password_hash if user is not None else dummy_hash()
    password_ok = await anyio.to_thread.run_sync(verify_password, body.password, stored,
                                                 limiter=_hashing_threads(app))
    if user is None or not user.active or not password_ok:
        server_limits.account.failed(account)
        server_limits.address.failed(address)
        raise unauthorized(WRONG_LOGIN)
    server_limits.account.succeeded(account)
    token = new_token()
    now = datetime.now(UTC)
    expires = now + app.state.token_ttl

    def write_token(session: Session) -> None:
        session.add(AuthToken(token_hash=token_digest(token), user_id=user.id, issued_at=now,
                              expires_at=expires, revoked=False))
        session.commit()

    await _in_short_session(app, write_token)
    return LoginResponse(token=token, expires_at=expires, user=user_out(user))


@router.post("/auth/logout", status_code=204)
def logout(s: SessionDep, user: User = require_roles("POST", "/auth/logout")) -> None:
    """Signs the user out everywhere: every token of theirs is revoked, not just this one
    (a seat left signed in elsewhere, or a token copied off a shared PC, ends with it)."""
    revoke_sessions(s, user)
    s.commit()


@router.post("/auth/password", status_code=204, responses=refusals(409, 422, 429))
def change_own_password(body: PasswordChange, request: Request, s: SessionDep, token: TokenDep,
                        user: User = require_roles("POST", "/auth/password")) -> None:
    """Self-service: the old password, then a new one within the policy. The user's other
    sessions end; this one stays signed in."""
    lockout: limits.Lockout = request.app.state.limits.password_change
    key = f"user:{user.id}"
    wait = lockout.retry_after(key)
    if wait:
        raise limits.too_many(wait, PASSWORD_LOCKED_OUT)
    refusal = password_refusal(body.new_password, user.username)
    if refusal is not None:
        raise RefusedAnswer(refusal)
    stored, user_id = user.password_hash, user.id
    s.rollback()  # ends the read transaction: no connection is held while hashing
    if not verify_password(body.old_password, stored):
        lockout.failed(key)
        raise refuse(WRONG_OLD_PASSWORD)
    lockout.succeeded(key)
    new_hash = hash_password(body.new_password)
    current = s.get(User, user_id)
    if current is None or current.password_hash != stored:
        # Changed or removed while we hashed: the old password checked is no longer it.
        raise refuse(PASSWORD_JUST_CHANGED)
    current.password_hash = new_hash
    revoked = revoke_sessions(s, current, keep=token_digest(token))
    audit.record(s, actor=current.username, client_id=None, action="user.passwd-self",
                 detail={"sessions_revoked": revoked})
    s.commit()


@router.get("/auth/me", response_model=UserOut)
def me(user: User = require_roles("GET", "/auth/me")) -> UserOut:
    return user_out(user)


@router.get("/users", response_model=list[UserOut])
def list_users(s: SessionDep, _user: User = require_roles("GET", "/users")) -> list[UserOut]:
    return [user_out(u) for u in s.scalars(select(User).order_by(User.username))]


@router.post("/users", response_model=UserOut, status_code=201, responses=refusals(409))
def create_user(body: NewUser, s: SessionDep,
                user: User = require_roles("POST", "/users")) -> UserOut:
    actor = user.username
    s.rollback()  # no connection held while hashing
    try:
        created = add_user(s, username=body.username, role=body.role,
                           display_name=body.display_name, unit_code=body.unit_code,
                           password=body.password, actor=actor)
    except AccountError as exc:
        raise _refused(exc) from None
    return user_out(created)


@router.post("/users/{username}/disable", status_code=204, responses=refusals(404, 409))
def disable_user(username: UsernameParam, s: SessionDep,
                 user: User = require_roles("POST", "/users/{username}/disable")) -> None:
    try:
        set_active(s, username, False, actor=user.username)
    except AccountError as exc:
        raise _refused(exc) from None


@router.post("/users/{username}/enable", status_code=204, responses=refusals(404))
def enable_user(username: UsernameParam, s: SessionDep,
                user: User = require_roles("POST", "/users/{username}/enable")) -> None:
    try:
        set_active(s, username, True, actor=user.username)
    except AccountError as exc:
        raise _refused(exc) from None


@router.put("/users/{username}/password", status_code=204, responses=refusals(404))
def reset_password(username: UsernameParam, body: NewPassword, s: SessionDep,
                   user: User = require_roles("PUT", "/users/{username}/password")) -> None:
    try:
        set_password(s, username, body.password, actor=user.username)
    except AccountError as exc:
        raise _refused(exc) from None
