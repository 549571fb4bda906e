"""What every endpoint shares: the session per request and the one role check.

Every endpoint but /health and /auth/login names its allowed roles in ENDPOINT_ROLES, and
`require_roles` enforces them; the authorisation matrix test walks that table.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Annotated, Any

import anyio
from anyio.lowlevel import RunVar
from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from agent_app.core.enums import Role
from agent_app.core.refusals import (
    NOT_SIGNED_IN,
    REFUSALS,
    ROLE_MAY_NOT,
    SIGN_IN_EXPIRED,
    Refusal,
)
from central_api.db import POOL_CONNECTIONS
from central_api.models import AuthToken, User
from central_api.refused import RefusedAnswer, refuse
from central_api.security import token_digest

API = "/api/v1"
MAX_BODY_BYTES = 1024 * 1024
# Versions, cursors and mutation ids are BIGINT columns; a larger number can match nothing.
MAX_VERSION = 2**63 - 1
# Deeper than anything a client sends (a ticket's event data is three levels down); walking
# an unbounded nesting would exhaust the stack.
MAX_NESTING = 16
ALL_ROLES = frozenset(Role)
ENDPOINT_ROLES: dict[tuple[str, str], frozenset[Role]] = {
    ("POST", "/auth/logout"): ALL_ROLES,
    ("POST", "/auth/password"): ALL_ROLES,
    ("GET", "/auth/me"): ALL_ROLES,
    ("GET", "/catalogues"): ALL_ROLES,
    ("GET", "/calendar/overrides"): ALL_ROLES,
    ("PUT", "/calendar/overrides"): frozenset({Role.ADMIN}),
    ("GET", "/deadline-policy"): ALL_ROLES,
    ("GET", "/users"): frozenset({Role.LEAD, Role.ADMIN}),
    ("POST", "/users"): frozenset({Role.ADMIN}),
    ("POST", "/users/{username}/disable"): frozenset({Role.ADMIN}),
    ("POST", "/users/{username}/enable"): frozenset({Role.ADMIN}),
    ("PUT", "/users/{username}/password"): frozenset({Role.ADMIN}),
    # Units get their own endpoints (their tickets only) with the unit workflow.
    # Admins push too: they may act as a team lead (review, supervision).
    ("POST", "/sync/push"): frozenset({Role.OPERATOR, Role.LEAD, Role.ADMIN}),
    ("GET", "/sync/pull"): frozenset({Role.OPERATOR, Role.LEAD, Role.ADMIN}),
    ("GET", "/tickets/{ticket_id}"): frozenset({Role.OPERATOR, Role.LEAD, Role.ADMIN}),
    ("DELETE", "/tickets/{ticket_id}"): frozenset({Role.ADMIN}),
    ("GET", "/unit/tickets"): frozenset({Role.UNIT}),
    ("POST", "/unit/tickets/{ticket_id}/accept"): frozenset({Role.UNIT}),
    ("POST", "/unit/tickets/{ticket_id}/reply"): frozenset({Role.UNIT}),
    ("POST", "/unit/tickets/{ticket_id}/return"): frozenset({Role.UNIT}),
    ("POST", "/unit/tickets/{ticket_id}/extension"): frozenset({Role.UNIT}),
    # The four-level network: dispatch centres, streets and communities are unit accounts.
    ("POST", "/unit/tickets/{ticket_id}/pass-down"): frozenset({Role.UNIT}),
    ("POST", "/unit/tickets/{ticket_id}/reply-up"): frozenset({Role.UNIT}),
    ("POST", "/unit/tickets/{ticket_id}/return-up"): frozenset({Role.UNIT}),
    ("POST", "/unit/tickets/{ticket_id}/review-reply"): frozenset({Role.UNIT}),
    ("POST", "/unit/tickets/{ticket_id}/assist"): frozenset({Role.UNIT}),
    ("POST", "/unit/tickets/{ticket_id}/assist-reply"): frozenset({Role.UNIT}),
    # The KB is public guidance: every role reads it, units to check their own 知识点. Units
    # write their own unit's articles (kb.py checks which), an admin any.
    ("GET", "/kb/articles"): ALL_ROLES,
    ("PUT", "/kb/articles/{article_id}"): frozenset({Role.UNIT, Role.ADMIN}),
    ("DELETE", "/kb/articles/{article_id}"): frozenset({Role.UNIT, Role.ADMIN}),
    ("GET", "/unit/kb-feedback"): frozenset({Role.UNIT}),
    # Units draft 知识点 for their own unit; the centre (a lead or an admin) reviews and
    # publishes them; the monthly counts are for the centre and for each unit (its own).
    ("POST", "/unit/kb-drafts"): frozenset({Role.UNIT}),
    ("GET", "/unit/kb-drafts"): frozenset({Role.UNIT}),
    ("GET", "/kb/drafts"): frozenset({Role.LEAD, Role.ADMIN}),
    ("POST", "/kb/drafts/{draft_id}/publish"): frozenset({Role.LEAD, Role.ADMIN}),
    ("POST", "/kb/drafts/{draft_id}/reject"): frozenset({Role.LEAD, Role.ADMIN}),
    ("GET", "/kb/drafts/monthly"): frozenset({Role.LEAD, Role.ADMIN, Role.UNIT}),
    # What operators used after a query (kb_learning.py): every seat that searches pulls it.
    ("GET", "/kb/usage"): frozenset({Role.OPERATOR, Role.LEAD, Role.ADMIN}),
}


class Strict(BaseModel):
    """Base of every response body: unknown fields are an error, not ignored."""

    model_config = ConfigDict(extra="forbid")


class Problem(Strict):
    """The body of every refusal: a sentence, or FastAPI's list of field errors (422). The
    server's own refusals name themselves too (agent_app/core/refusals.py): `detail` is the
    sentence in Chinese, `code` and `values` say it in a client's language, and `sentence` is
    the quoted core sentence of a family (ticket commands, the password policy)."""

    detail: str | list[dict[str, Any]]
    code: str | None = Field(None, description="One of: " + ", ".join(sorted(REFUSALS)))
    values: list[str] | None = Field(None, description="What fills the sentence's %1, %2…")
    sentence: str | None = Field(None, description="A family's core sentence, in English")


_REFUSALS = {
    400: "the body is not JSON",
    401: "not signed in, or the token expired or was revoked",
    403: "the signed-in user's role (or unit) may not do this",
    404: "no such ticket, article or user (another unit's counts as none)",
    409: "the request conflicts with the current state",
    410: "the cursor or server epoch is no longer valid: resync from scratch",
    413: "the body is over 1 MiB",
    422: "the input is invalid",
    429: "too many attempts or requests: wait as long as Retry-After says",
}


def refusals(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of refusals, so the contract lists every status a client gets."""
    return {code: {"model": Problem, "description": _REFUSALS[code]} for code in codes}


class RequestBody(Strict):
    """Base of every request body. Only what clients send is checked: responses come from the
    database, and checking every pulled ticket again would slow sync down."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        # Refused here (422) rather than failing in the database (500).
        problem = unstorable(value)
        if problem is not None:
            raise ValueError(problem)
        return value


def _written_out(value: Any) -> Any:
    # Pydantic would read a number as seconds since 1970; the document promises ISO 8601 text.
    if isinstance(value, int | float):
        raise ValueError("dates and times are ISO 8601 text, not numbers")
    return value


IsoDate = Annotated[date, BeforeValidator(_written_out)]
IsoDateTime = Annotated[datetime, BeforeValidator(_written_out)]


# PostgreSQL text cannot hold NUL; an unpaired surrogate (JSON allows "\ud800") has no UTF-8.
_UNSTORABLE_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def unstorable(value: Any) -> str | None:
    """Why a value a client sent cannot be stored, or None. A loop, not recursion: the
    nesting depth is what is being checked."""
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if _UNSTORABLE_CHARACTER.search(item):
                return "text must not contain NUL characters or unpaired surrogates"
        elif isinstance(item, dict | list):
            if depth >= MAX_NESTING:
                return f"values may be nested at most {MAX_NESTING} levels deep"
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return None


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's session, once one of the pool's connections is sure to be free for it.

    A request keeps its connection from the role check to the end of the endpoint, which run
    as separate steps on FastAPI's thread pool, the thread given back in between. With more
    requests in flight than the pool has connections, every thread could be waiting for a
    connection held by a request that waits for a thread: nothing moved until the pool's
    timeout turned them all into 500s. Waiting for a slot here holds no thread."""
    async with connection_slots(request.app):
        session = request.app.state.sessions()
        try:
            yield session
        finally:
            if not session.in_transaction():
                # The endpoint ended its transaction (a push commits, a pull hands its
                # connection back): closing touches no connection, and a thread hop costs
                # more than the close itself.
                session.close()
            else:
                # Closing gives the connection back (a rollback on the wire): on a thread, but
                # not queued behind the requests waiting for one, even when the client has gone.
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(session.close,
                                                   limiter=anyio.CapacityLimiter(1))


def connection_slots(app: FastAPI) -> anyio.Semaphore:
    """One semaphore per app and event loop (tests serve an app from several loops)."""
    slots: RunVar[anyio.Semaphore] = app.state.connection_slots
    try:
        return slots.get()
    except LookupError:
        semaphore = anyio.Semaphore(POOL_CONNECTIONS)
        slots.set(semaphore)
        return semaphore


SessionDep = Annotated[Session, Depends(get_session)]


async def bearer_token(request: Request) -> str:
    # async: it reads a header, and a sync dependency would cost a hop to the thread pool.
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise unauthorized(NOT_SIGNED_IN)
    return token


TokenDep = Annotated[str, Depends(bearer_token)]


def require_roles(method: str, path: str) -> Any:
    """The one role check: `Depends(require_roles(...))` on every protected endpoint."""
    allowed = ENDPOINT_ROLES[(method, path)]

    def current_user(s: SessionDep, token: TokenDep) -> User:
        # One round trip for the token and its user; both are read on every request, so a
        # revoked token or a disabled user is refused at once, in every server process.
        found = s.execute(select(User, AuthToken.revoked, AuthToken.expires_at)
                          .join(AuthToken, AuthToken.user_id == User.id)
                          .where(AuthToken.token_hash == token_digest(token))).first()
        if found is None:
            raise unauthorized(SIGN_IN_EXPIRED)
        user, revoked, expires_at = found
        if revoked or as_utc(expires_at) <= datetime.now(UTC) or not user.active:
            raise unauthorized(SIGN_IN_EXPIRED)
        if Role(user.role) not in allowed:
            raise refuse(ROLE_MAY_NOT)
        return user

    return Depends(current_user)


def unauthorized(refusal: Refusal) -> RefusedAnswer:
    return refuse(refusal, headers={"WWW-Authenticate": "Bearer"})


def as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes even for timezone=True columns; they were stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
