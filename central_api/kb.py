"""The knowledge base on the central server (DESIGN.md §6): units submit 知识点 for their own
unit, an admin for any; every client pulls the articles by version cursor, as it pulls tickets.

Article versions come from the same source as tickets (`versions.next_version`), so writers are
ordered the same way and a cursor never skips an article that committed late. A deleted article
stays as a tombstone without its text, so every client drops it from its local index.
Feedback (反馈纠错) arrives as the pushed operation `kb.feedback` (kb_writes.py); its unit reads
it here. Units' drafts, reviewed by the centre, are in kb_drafts.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from agent_app.core.enums import Role
from agent_app.core.refusals import ARTICLE_OF_ANOTHER_UNIT, NO_ARTICLE, OWN_UNIT_ONLY
from central_api import audit
from central_api.cursors import MAX_PAGE, checked_cursor
from central_api.deps import (
    API,
    MAX_VERSION,
    RequestBody,
    SessionDep,
    Strict,
    as_utc,
    refusals,
    require_roles,
)
from central_api.models import KbArticle, KbFeedback, User
from central_api.refused import RefusedAnswer, refuse
from central_api.versions import next_version, pull_bounds
from central_api.workflow import WorkflowError, unit_name

MAX_BODY_CHARS = 20_000

ArticleId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.:-]+$")]


class ArticleIn(RequestBody):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=MAX_BODY_CHARS)
    category: str | None = Field(default=None, max_length=80)
    # A unit's articles are always its own: it may leave this out or name itself.
    unit: str | None = Field(default=None, max_length=80)


class Article(Strict):
    """The interchange form of DESIGN.md §7, as clients index it."""

    id: str
    title: str
    body: str
    category: str | None
    unit: str | None
    updated_at: datetime


class ArticleOut(Article):
    version: int


class ArticleChange(Strict):
    version: int
    id: str
    deleted: bool
    article: Article | None


class ArticlePage(Strict):
    server_epoch: str
    changes: list[ArticleChange]
    cursor: int
    more: bool


class FeedbackOut(Strict):
    id: int
    article_id: str
    article_title: str | None  # None once the article has been deleted
    text: str
    reporter: str
    created_at: datetime


router = APIRouter(prefix=API, responses=refusals(401, 403))


def _article(row: KbArticle) -> Article:
    return Article(id=row.id, title=row.title, body=row.body, category=row.category,
                   unit=row.unit, updated_at=as_utc(row.updated_at))


def own_unit(user: User) -> str | None:
    """The unit a unit account writes for; None for an admin, who may write for any."""
    if Role(user.role) is not Role.UNIT:
        return None
    try:
        return unit_name(user.unit_code)
    except WorkflowError as exc:
        raise RefusedAnswer(exc) from None


def locked_article(s: Session, article_id: str) -> KbArticle | None:
    return s.scalar(select(KbArticle).where(KbArticle.id == article_id).with_for_update())


@router.get("/kb/articles", response_model=ArticlePage, responses=refusals(410))
def pull_articles(s: SessionDep,
                  since: int = Query(0, ge=0, le=MAX_VERSION),
                  limit: int = Query(500, ge=1, le=MAX_PAGE),
                  epoch: str | None = Query(None, max_length=36),
                  _user: User = require_roles("GET", "/kb/articles")) -> Response:
    # Article tombstones are kept (they hold no text), so no cursor is too old here.
    newest, horizon = pull_bounds(s)  # before the rows: their snapshot is taken after it
    server_epoch = checked_cursor(s, since, epoch, compacted=False, newest=newest)
    query = select(KbArticle).where(KbArticle.version > since)
    if horizon is not None:  # the same versions as tickets: none still in flight below it
        query = query.where(KbArticle.version < horizon)
    rows = list(s.scalars(query.order_by(KbArticle.version).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    changes = [ArticleChange(version=r.version, id=r.id, deleted=r.deleted,
                             article=None if r.deleted else _article(r)) for r in rows]
    s.rollback()  # nothing written: the connection goes back now, on this thread
    # Encoded here, as FastAPI would encode the model, without its extra hop to a thread.
    page = ArticlePage(server_epoch=server_epoch, changes=changes,
                       cursor=rows[-1].version if rows else since, more=more)
    return Response(page.model_dump_json(), media_type="application/json")


@router.put("/kb/articles/{article_id}", response_model=ArticleOut, responses=refusals(409))
def put_article(article_id: ArticleId, body: ArticleIn, s: SessionDep,
                user: User = require_roles("PUT", "/kb/articles/{article_id}")) -> ArticleOut:
    own = own_unit(user)
    if own is not None and body.unit not in (None, own):
        raise refuse(OWN_UNIT_ONLY)
    row = locked_article(s, article_id)
    if own is not None and row is not None and row.unit != own:
        raise refuse(ARTICLE_OF_ANOTHER_UNIT, article_id)
    # Taken after every check (a refusal never holds the counter's lock) and before the new
    # row is added (its flush needs the version).
    version = next_version(s)
    if row is None:
        row = KbArticle(id=article_id)
        s.add(row)
    row.version = version
    row.title = body.title
    row.body = body.body
    row.category = body.category
    row.unit = own if own is not None else body.unit
    row.deleted = False
    row.updated_at = datetime.now(UTC)
    audit.record(s, actor=user.username, client_id=None, action="kb.article.put",
                 detail={"article_id": article_id, "unit": row.unit, "version": version})
    s.commit()
    return ArticleOut(**_article(row).model_dump(), version=row.version)


@router.delete("/kb/articles/{article_id}", status_code=204, responses=refusals(404))
def delete_article(article_id: ArticleId, s: SessionDep,
                   user: User = require_roles("DELETE", "/kb/articles/{article_id}")) -> None:
    own = own_unit(user)
    row = locked_article(s, article_id)
    # Another unit's article is as if absent, as with tickets.
    if row is None or row.deleted or (own is not None and row.unit != own):
        raise refuse(NO_ARTICLE, article_id)
    row.deleted = True
    row.title = row.body = ""  # the tombstone keeps only what clients need to drop it
    row.updated_at = datetime.now(UTC)
    row.version = next_version(s)
    audit.record(s, actor=user.username, client_id=None, action="kb.article.delete",
                 detail={"article_id": article_id, "unit": row.unit, "version": row.version})
    s.commit()


@router.get("/unit/kb-feedback", response_model=list[FeedbackOut])
def unit_feedback(s: SessionDep, limit: int = Query(200, ge=1, le=MAX_PAGE),
                  user: User = require_roles("GET", "/unit/kb-feedback")) -> list[FeedbackOut]:
    """Newest first: what operators reported wrong in this unit's articles."""
    own = own_unit(user)
    rows = s.execute(
        select(KbFeedback, User.username, KbArticle.title, KbArticle.deleted)
        .join(User, User.id == KbFeedback.reporter_id)
        .outerjoin(KbArticle, KbArticle.id == KbFeedback.article_id)
        .where(KbFeedback.unit == own)
        .order_by(KbFeedback.id.desc()).limit(limit))
    return [FeedbackOut(id=f.id, article_id=f.article_id,
                        article_title=None if title is None or deleted else title,
                        text=f.text, reporter=reporter, created_at=as_utc(f.created_at))
            for f, reporter, title, deleted in rows]
