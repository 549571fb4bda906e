"""Units keep the KB current through the centre (seed 001: a unit with many consultations
reports at least one 知识点 a month): a unit submits a draft — a new article, or a change
to one of its own — the centre (a lead or an admin) publishes it, or rejects it with a
note the unit reads; a published draft becomes the article (kb.py), with a new version, so
every client gets it at its next pull. GET /kb/drafts/monthly counts, per unit and month (China
time), the drafts submitted and those published, for the assessment and the reports.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.refusals import (
    ARTICLE_OF_ANOTHER_UNIT,
    DRAFT_DECIDED,
    NO_DRAFT,
    OWN_UNIT_ONLY,
    REJECTION_NEEDS_NOTE,
)
from central_api.cursors import MAX_PAGE
from central_api.deps import API, RequestBody, SessionDep, Strict, as_utc, refusals, require_roles
from central_api.kb import ArticleIn, locked_article, own_unit
from central_api.models import KbArticle, KbDraft, User
from central_api.refused import refuse
from central_api.versions import next_version

router = APIRouter(prefix=API, responses=refusals(401, 403))


DraftState = Literal["submitted", "published", "rejected"]
MAX_NOTE_CHARS = 1000


# An INTEGER column: a larger number can name no draft (PostgreSQL refused it with a 500).
DraftId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class DraftIn(ArticleIn):
    # None: a new article, its id given when published (unit code, a number).
    article_id: str | None = Field(default=None, min_length=1, max_length=40,
                                   pattern=r"^[A-Za-z0-9_.:-]+$")


class DraftOut(Strict):
    id: int
    article_id: str
    unit: str
    title: str
    body: str
    category: str | None
    state: DraftState
    submitted_by: str
    submitted_at: datetime
    reviewed_at: datetime | None
    review_note: str | None
    published_version: int | None


class ReviewIn(RequestBody):
    note: str | None = Field(default=None, max_length=MAX_NOTE_CHARS)


class UnitMonth(Strict):
    unit: str
    submitted: int
    published: int


class MonthlyCounts(Strict):
    month: str
    units: list[UnitMonth]


def _draft_out(s: Session, draft: KbDraft) -> DraftOut:
    submitter = s.get(User, draft.submitted_by)
    return DraftOut(id=draft.id, article_id=draft.article_id, unit=draft.unit,
                    title=draft.title, body=draft.body, category=draft.category,
                    state=draft.state,  # type: ignore[arg-type]  # written here only
                    submitted_by=submitter.username if submitter else "",
                    submitted_at=as_utc(draft.submitted_at),
                    reviewed_at=as_utc(draft.reviewed_at) if draft.reviewed_at else None,
                    review_note=draft.review_note, published_version=draft.published_version)


@router.post("/unit/kb-drafts", response_model=DraftOut, status_code=201,
             responses=refusals(409))
def submit_draft(body: DraftIn, s: SessionDep,
                 user: User = require_roles("POST", "/unit/kb-drafts")) -> DraftOut:
    own = own_unit(user)
    assert own is not None  # the role check lets units only
    if body.unit not in (None, own):
        raise refuse(OWN_UNIT_ONLY)
    article_id = body.article_id
    if article_id is not None:
        row = s.get(KbArticle, article_id)
        if row is not None and not row.deleted and row.unit != own:
            raise refuse(ARTICLE_OF_ANOTHER_UNIT, article_id)
    draft = KbDraft(article_id=article_id or "", unit=own, title=body.title, body=body.body,
                    category=body.category, state="submitted", submitted_by=user.id,
                    submitted_at=datetime.now(UTC))
    s.add(draft)
    s.flush()
    if not draft.article_id:
        draft.article_id = f"{user.unit_code or 'unit'}-{draft.id}"[:40]
    s.commit()
    return _draft_out(s, draft)


@router.get("/unit/kb-drafts", response_model=list[DraftOut])
def unit_drafts(s: SessionDep, limit: int = Query(200, ge=1, le=MAX_PAGE),
                user: User = require_roles("GET", "/unit/kb-drafts")) -> list[DraftOut]:
    """Newest first: this unit's drafts and how the centre decided on them."""
    own = own_unit(user)
    rows = s.scalars(select(KbDraft).where(KbDraft.unit == own)
                     .order_by(KbDraft.id.desc()).limit(limit))
    return [_draft_out(s, d) for d in rows]


@router.get("/kb/drafts", response_model=list[DraftOut])
def review_queue(s: SessionDep, state: DraftState = "submitted",
                 limit: int = Query(200, ge=1, le=MAX_PAGE),
                 _user: User = require_roles("GET", "/kb/drafts")) -> list[DraftOut]:
    """Oldest first: the drafts waiting for the centre (or those decided, by state)."""
    rows = s.scalars(select(KbDraft).where(KbDraft.state == state)
                     .order_by(KbDraft.id).limit(limit))
    return [_draft_out(s, d) for d in rows]


def _submitted_draft(s: Session, draft_id: int) -> KbDraft:
    draft = s.scalar(select(KbDraft).where(KbDraft.id == draft_id).with_for_update())
    if draft is None:
        raise refuse(NO_DRAFT, draft_id)
    if draft.state != "submitted":
        raise refuse(DRAFT_DECIDED, draft_id)
    return draft


@router.post("/kb/drafts/{draft_id}/publish", response_model=DraftOut,
             responses=refusals(404, 409))
def publish_draft(draft_id: DraftId, body: ReviewIn, s: SessionDep,
                  user: User = require_roles("POST", "/kb/drafts/{draft_id}/publish")
                  ) -> DraftOut:
    """The draft becomes the article (new or changed), with a new version: every client
    gets it at its next pull."""
    draft = _submitted_draft(s, draft_id)
    row = locked_article(s, draft.article_id)
    if row is not None and not row.deleted and row.unit != draft.unit:
        raise refuse(ARTICLE_OF_ANOTHER_UNIT, draft.article_id)
    version = next_version(s)
    if row is None:
        row = KbArticle(id=draft.article_id)
        s.add(row)
    now = datetime.now(UTC)
    row.version, row.title, row.body = version, draft.title, draft.body
    row.category, row.unit, row.deleted, row.updated_at = draft.category, draft.unit, False, now
    draft.state, draft.reviewed_by, draft.reviewed_at = "published", user.id, now
    draft.review_note, draft.published_version = body.note, version
    s.commit()
    return _draft_out(s, draft)


@router.post("/kb/drafts/{draft_id}/reject", response_model=DraftOut,
             responses=refusals(404, 409))
def reject_draft(draft_id: DraftId, body: ReviewIn, s: SessionDep,
                 user: User = require_roles("POST", "/kb/drafts/{draft_id}/reject")
                 ) -> DraftOut:
    if not (body.note or "").strip():
        raise refuse(REJECTION_NEEDS_NOTE)
    draft = _submitted_draft(s, draft_id)
    draft.state, draft.reviewed_by, draft.reviewed_at = "rejected", user.id, datetime.now(UTC)
    draft.review_note = (body.note or "").strip()
    s.commit()
    return _draft_out(s, draft)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """`2026-11` → its first instant and the next month's, China time, as UTC."""
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=CHINA_TZ)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=CHINA_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


def monthly_draft_counts(s: Session, month: str,
                         unit: str | None = None) -> list[UnitMonth]:
    """Per unit: drafts submitted in the month, and drafts published in it (whenever they
    were submitted). For the reports too."""
    start, end = month_bounds(month)
    counts: dict[str, list[int]] = {}
    for column, index in ((KbDraft.submitted_at, 0), (KbDraft.reviewed_at, 1)):
        query = (select(KbDraft.unit, func.count()).where(column >= start, column < end)
                 .group_by(KbDraft.unit))
        if index == 1:
            query = query.where(KbDraft.state == "published")
        if unit is not None:
            query = query.where(KbDraft.unit == unit)
        for name, count in s.execute(query):
            counts.setdefault(name, [0, 0])[index] = int(count)
    return [UnitMonth(unit=name, submitted=pair[0], published=pair[1])
            for name, pair in sorted(counts.items())]


@router.get("/kb/drafts/monthly", response_model=MonthlyCounts)
def monthly_counts(s: SessionDep,
                   month: str = Query(pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$"),
                   user: User = require_roles("GET", "/kb/drafts/monthly")) -> MonthlyCounts:
    """A unit sees its own line only."""
    own = own_unit(user)
    return MonthlyCounts(month=month, units=monthly_draft_counts(s, month, own))
