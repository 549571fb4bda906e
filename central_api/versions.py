"""The commit-ordered version every change gets (DESIGN.md §5)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from central_api.models import VersionCounter


def next_version(session: Session) -> int:
    """Versions come from one counter row that each writer updates inside its transaction;
    the row lock orders the writers, so versions commit in the order they are given out."""
    stmt = (update(VersionCounter).where(VersionCounter.id == 1)
            .values(value=VersionCounter.value + 1).returning(VersionCounter.value))
    return int(session.execute(stmt).scalar_one())
