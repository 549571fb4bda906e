"""What every endpoint shares: the session per request and the one role check.

Every endpoint but /health and /auth/login names its allowed roles in ENDPOINT_ROLES, and
`require_roles` enforces them; the authorisation matrix test walks that table.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy.orm import Session

from agent_app.core.enums import Role
from central_api.models import AuthToken, User
from central_api.security import token_digest

API = "/api/v1"
MAX_BODY_BYTES = 1024 * 1024
ALL_ROLES = frozenset(Role)
ENDPOINT_ROLES: dict[tuple[str, str], frozenset[Role]] = {
    ("POST", "/auth/logout"): ALL_ROLES,
    ("GET", "/auth/me"): ALL_ROLES,
    ("GET", "/catalogues"): ALL_ROLES,
    ("GET", "/calendar/overrides"): ALL_ROLES,
    ("PUT", "/calendar/overrides"): frozenset({Role.ADMIN}),
    ("GET", "/deadline-policy"): ALL_ROLES,
    ("GET", "/users"): frozenset({Role.LEAD, Role.ADMIN}),
    ("POST", "/users"): frozenset({Role.ADMIN}),
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
    # The KB is public guidance: every role reads it, units to check their own 知识点. Units
    # write their own unit's articles (kb.py checks which), an admin any.
    ("GET", "/kb/articles"): ALL_ROLES,
    ("PUT", "/kb/articles/{article_id}"): frozenset({Role.UNIT, Role.ADMIN}),
    ("DELETE", "/kb/articles/{article_id}"): frozenset({Role.UNIT, Role.ADMIN}),
    ("GET", "/unit/kb-feedback"): frozenset({Role.UNIT}),
}


class Strict(BaseModel):
    """Base of every response body: unknown fields are an error, not ignored."""

    model_config = ConfigDict(extra="forbid")


class RequestBody(Strict):
    """Base of every request body. Only what clients send is searched for NUL: responses come
    from the database, and searching every pulled ticket again would slow sync down."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL text cannot hold NUL: refuse it here (422) rather than fail in the DB (500).
        if _has_nul(value):
            raise ValueError("text must not contain NUL characters")
        return value


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def bearer_token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise unauthorized("missing bearer token")
    return token


TokenDep = Annotated[str, Depends(bearer_token)]


def require_roles(method: str, path: str) -> Any:
    """The one role check: `Depends(require_roles(...))` on every protected endpoint."""
    allowed = ENDPOINT_ROLES[(method, path)]

    def current_user(s: SessionDep, token: TokenDep) -> User:
        row = s.get(AuthToken, token_digest(token))
        if row is None or row.revoked or as_utc(row.expires_at) <= datetime.now(UTC):
            raise unauthorized("invalid or expired token")
        user = s.get(User, row.user_id)
        if user is None or not user.active:
            raise unauthorized("invalid or expired token")
        if Role(user.role) not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "your role may not do this")
        return user

    return Depends(current_user)


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail,
                         headers={"WWW-Authenticate": "Bearer"})


def as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes even for timezone=True columns; they were stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
