"""What operators used from the KB after a query, shared with every seat (DESIGN.md §6).

A client pushes each (query, article) pair its operators made — an article opened from the
results, or given as the answer — as the operation `kb.usage` (apply_kb_usage); a lead (or
an admin) pushes a veto the same way, with action `veto`, to stop the lift learning gives
an article for one query or, with no query, for all. Every seat pulls them with
GET /kb/usage by version cursor; its search lifts an article for queries like those it was
used after (agent_app/search/learning.py).

Versions come from the counter tickets and articles use (versions.next_version), so a
cursor never skips a pair that committed late. Pairs older than HORIZON_DAYS are not handed
out: the clients' decay has made them worthless by then.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from central_api.deps import API, MAX_VERSION, SessionDep, Strict, as_utc, refusals, require_roles
from central_api.models import KbArticle, KbUsage, User
from central_api.versions import next_version, pull_horizon

if TYPE_CHECKING:
    from central_api.sync import Mutation

OPERATION = "kb.usage"
ACTIONS = ("open", "answer", "veto")
VETO_ROLES = ("lead", "admin")
MAX_QUERY = 200
MAX_PAGE = 1000
HORIZON_DAYS = 180
# Seven digits or more may be a caller's phone or ID number: refused, since every seat
# would get it (the client drops them before pushing).
_PERSONAL_NUMBER = re.compile(r"[0-9０-９][0-9０-９\-xX]{6,}")

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


def apply_kb_usage(session: Session, mutation: Mutation, user: User) -> int:
    """The push operation `kb.usage`. Args: article_id (= entity_id), action (open, answer
    or veto), query (text; None only for a veto of every query), at (ISO time, with
    offset). A veto needs a lead or an admin. Insert-only: a replay is caught by the push
    bookkeeping before it gets here. Returns the pair's version."""
    from central_api.sync import RejectedError  # sync registers this operation

    # Reasons in Chinese, as every rejection: they are shown in the seat's sync problems.

    args = mutation.args
    article_id, action, query = args.get("article_id"), args.get("action"), args.get("query")
    if args.get("veto") is True and action is None:
        action = "veto"
    if article_id != mutation.entity_id:
        raise RejectedError("该更改所指知识条目与其内容不一致。")
    if action not in ACTIONS:
        raise RejectedError("知识库使用记录的类型不正确。")
    if action == "veto" and user.role not in VETO_ROLES:
        raise RejectedError("只有班长或管理员可以取消知识库的优先推荐。")
    if query is None and action != "veto":
        raise RejectedError("知识库使用记录缺少对应的查询。")
    if query is not None:
        if not isinstance(query, str) or not query.strip() or len(query) > MAX_QUERY:
            raise RejectedError(f"查询须为 1 至 {MAX_QUERY} 个字的文字。")
        if _PERSONAL_NUMBER.search(query):
            raise RejectedError("查询中含有长数字（电话或证件号？），不予共享。")
    try:
        at = datetime.fromisoformat(str(args.get("at")))
    except ValueError:
        raise RejectedError("使用时间格式有误。") from None
    if at.tzinfo is None:
        raise RejectedError("使用时间缺少时区。")
    now = datetime.now(UTC)
    at = min(at, now)  # a seat whose clock runs ahead must not make its pairs last longer
    if action != "veto":
        article = session.get(KbArticle, article_id)
        if article is None or article.deleted:
            raise RejectedError("服务器上没有这条知识。")
    version = next_version(session)
    session.add(KbUsage(query=query.strip() if query is not None else None,
                        article_id=article_id, action=action, user_id=user.id, at=at,
                        created_at=now, version=version))
    return version


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
