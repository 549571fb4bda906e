"""The KB operations clients push (sync.py applies them): 反馈纠错 for the unit that owns
an article, and what operators used from the KB after a query (kb_learning.py hands
it out)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from agent_app.core.kb_wire import (
    KB_ENTITY,
    KB_FEEDBACK_TEXT,
    KB_NO_ARTICLE,
    KB_NO_QUERY,
    KB_PERSONAL_NUMBER,
    KB_QUERY_TEXT,
    KB_USAGE_ACTION,
    KB_USED_AT,
    KB_USED_AT_ZONE,
    KB_VETO_ROLE,
)
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
        raise RejectedError(KB_ENTITY)
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_FEEDBACK_CHARS:
        raise RejectedError(KB_FEEDBACK_TEXT, str(MAX_FEEDBACK_CHARS))
    article = session.get(KbArticle, article_id)
    if article is None or article.deleted:
        raise RejectedError(KB_NO_ARTICLE, article_id)
    session.add(KbFeedback(article_id=article.id, unit=article.unit, text=text.strip(),
                           reporter_id=user.id, created_at=datetime.now(UTC)))
    return article.version


def apply_kb_usage(session: Session, mutation: Mutation, user: User) -> int:
    """The push operation `kb.usage`. Args: article_id (= entity_id), action (open, answer
    or veto), query (text; None only for a veto of every query), at (ISO time, with
    offset). A veto needs a lead or an admin. Insert-only: a replay is caught by the push
    bookkeeping before it gets here. Returns the pair's version."""
    args = mutation.args
    article_id, action, query = args.get("article_id"), args.get("action"), args.get("query")
    if args.get("veto") is True and action is None:
        action = "veto"
    if article_id != mutation.entity_id:
        raise RejectedError(KB_ENTITY)
    if action not in ACTIONS:
        raise RejectedError(KB_USAGE_ACTION)
    if action == "veto" and user.role not in VETO_ROLES:
        raise RejectedError(KB_VETO_ROLE)
    if query is None and action != "veto":
        raise RejectedError(KB_NO_QUERY)
    if query is not None:
        if not isinstance(query, str) or not query.strip() or len(query) > MAX_QUERY:
            raise RejectedError(KB_QUERY_TEXT, str(MAX_QUERY))
        if _PERSONAL_NUMBER.search(query):
            raise RejectedError(KB_PERSONAL_NUMBER)
    try:
        at = datetime.fromisoformat(str(args.get("at")))
    except ValueError:
        raise RejectedError(KB_USED_AT) from None
    if at.tzinfo is None:
        raise RejectedError(KB_USED_AT_ZONE)
    now = datetime.now(UTC)
    at = min(at, now)  # a seat whose clock runs ahead must not make its pairs last longer
    if action != "veto":
        article = session.get(KbArticle, article_id)
        if article is None or article.deleted:
            raise RejectedError(KB_NO_ARTICLE, str(article_id))
    version = next_version(session)
    session.add(KbUsage(query=query.strip() if query is not None else None,
                        article_id=article_id, action=action, user_id=user.id, at=at,
                        created_at=now, version=version))
    return version
