"""The KB operations clients push (sync.py applies them): 反馈纠错 for the unit that owns
an article, and what operators used from the KB after a query (kb_learning.py hands
it out)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from central_api.models import KbArticle, KbFeedback, KbUsage, User
from central_api.mutations import Mutation, RejectedError
from central_api.versions import next_version

MAX_FEEDBACK_CHARS = 1000
ACTIONS = ("open", "answer", "veto")  # of kb.usage (kb_learning.py hands them out)
VETO_ROLES = ("lead", "admin")
MAX_QUERY = 200
# Seven digits or more may be a caller's phone or ID number: refused, since every seat
# would get it (the client drops them before pushing).
_PERSONAL_NUMBER = re.compile(r"[0-9０-９][0-9０-９\-xX]{6,}")


def kb_feedback(session: Session, mutation: Mutation, user: User) -> int:
    """反馈纠错: kept for the unit that owns the article. Insert-only; a replay is caught by
    the push bookkeeping before it gets here. Changes nothing clients pull, so the article's
    version is the answer."""
    article_id, text = mutation.args.get("article_id"), mutation.args.get("text")
    if article_id != mutation.entity_id:
        raise RejectedError("entity_id does not match the article id")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_FEEDBACK_CHARS:
        raise RejectedError(f"feedback needs a text of 1 to {MAX_FEEDBACK_CHARS} characters")
    article = session.get(KbArticle, article_id)
    if article is None or article.deleted:
        raise RejectedError(f"no article {article_id}")
    session.add(KbFeedback(article_id=article.id, unit=article.unit, text=text.strip(),
                           reporter_id=user.id, created_at=datetime.now(UTC)))
    return article.version



def apply_kb_usage(session: Session, mutation: Mutation, user: User) -> int:
    """The push operation `kb.usage`. Args: article_id (= entity_id), action (open, answer
    or veto), query (text; None only for a veto of every query), at (ISO time, with
    offset). A veto needs a lead or an admin. Insert-only: a replay is caught by the push
    bookkeeping before it gets here. Returns the pair's version."""
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
