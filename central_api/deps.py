"""What every endpoint shares: the session per request and the one role check.

Every endpoint but /health and /auth/login names its allowed roles in ENDPOINT_ROLES, and
`require_roles` enforces them; the authorisation matrix test walks that table.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
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
    ("POST", "/sync/push"): frozenset({Role.OPERATOR, Role.LEAD}),
    ("GET", "/sync/pull"): frozenset({Role.OPERATOR, Role.LEAD, Role.ADMIN}),
}


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
