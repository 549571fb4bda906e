"""The commit-ordered version every change gets (DESIGN.md §5)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central_api.models import VersionCounter

_LOCKED_IN = "version_counter_locked_in"  # session.info: the transaction holding the lock


def next_version(session: Session) -> int:
    """Versions come from one counter row that each writer updates inside its transaction;
    the row lock orders the writers, so versions commit in the order they are given out."""
    stmt = (update(VersionCounter).where(VersionCounter.id == 1)
            .values(value=VersionCounter.value + 1).returning(VersionCounter.value))
    return int(session.execute(stmt).scalar_one())


def lock_versions(session: Session) -> None:
    """Take the counter's lock now, before any ticket row: every ticket writer does, so no two
    wait for each other in opposite orders. (A push applying several mutations holds the
    counter from its first one while it locks the next one's ticket; a unit's action locked
    its ticket, then wanted the counter: PostgreSQL failed one of them as a deadlock.)
    Held until the transaction ends; asking again in the same transaction costs nothing."""
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_LOCKED_IN) is transaction:
        return
    session.execute(select(VersionCounter.id).where(VersionCounter.id == 1).with_for_update())
    session.info[_LOCKED_IN] = session.get_transaction()
