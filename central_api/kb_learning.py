"""What operators used from the KB after a query, shared with every seat (DESIGN.md §6).

A client pushes each (query, article) pair its operators made — an article opened from the
results, or given as the answer — as the operation `kb.usage` (kb_writes.apply_kb_usage); a lead (or
an admin) pushes a veto the same way, with action `veto`, to stop the lift learning gives
an article for one query or, with no query, for all. Every seat pulls them with
GET /kb/usage by version cursor; its search lifts an article for queries like those it was
used after (agent_app/search/learning.py).

Versions come from the counter tickets and articles use (versions.next_version), so a
cursor never skips a pair that committed late. Pairs older than HORIZON_DAYS are not handed
out: the clients' decay has made them worthless by then.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from fastapi import APIRouter, Query
from sqlalchemy import select

from central_api.deps import API, MAX_VERSION, SessionDep, Strict, as_utc, refusals, require_roles
from central_api.models import KbUsage, User
from central_api.versions import pull_horizon

OPERATION = "kb.usage"
MAX_PAGE = 1000
HORIZON_DAYS = 180

router = APIRouter(prefix=API, responses=refusals(401, 403))


class UsageItem(Strict):
    id: int
    version: int
    query: str | None
    article_id: str
    action: Literal["open", "answer", "veto"]
    at: datetime
    mine: bool  # pushed by the user asking: the client already holds it


class UsagePage(Strict):
    items: list[UsageItem]
    cursor: int
    more: bool


@router.get("/kb/usage", response_model=UsagePage)
def pull_usage(s: SessionDep,
               since: int = Query(0, ge=0, le=MAX_VERSION),
               limit: int = Query(500, ge=1, le=MAX_PAGE),
               user: User = require_roles("GET", "/kb/usage")) -> UsagePage:
    """Every seat's pairs and leads' vetoes after the `since` version, oldest first."""
    horizon = datetime.now(UTC) - timedelta(days=HORIZON_DAYS)
    query = select(KbUsage).where(KbUsage.version > since)
    in_flight = pull_horizon(s)
    if in_flight is not None:  # versions still being written below it would be skipped
        query = query.where(KbUsage.version < in_flight)
    rows = list(s.scalars(query.order_by(KbUsage.version).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    items = [UsageItem(id=r.id, version=r.version, query=r.query, article_id=r.article_id,
                       action=r.action,  # type: ignore[arg-type]  # checked when pushed
                       at=as_utc(r.at), mine=r.user_id == user.id)
             for r in rows if r.action == "veto" or as_utc(r.at) >= horizon]
    return UsagePage(items=items, cursor=rows[-1].version if rows else since, more=more)
