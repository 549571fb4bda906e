"""The version every change gets, and how far a pull may read (DESIGN.md §5).

A client's cursor is the last version it has pulled, so no version may become visible after
a larger one: a cursor would move past it and never see it. Two ways keep that:

- SQLite (one writer at a time anyway): one counter row that each writer updates inside its
  transaction; the row lock orders the writers, so versions commit in the order they are
  given out.
- PostgreSQL: no global lock. Versions come from a sequence, so writers run side by side and
  may commit out of order; each transaction marks the first (smallest) version it takes with a
  transaction-scoped advisory lock, which PostgreSQL drops at commit, rollback or a crash.
  A pull reads only below the horizon: the smallest version a transaction still in flight
  holds (from pg_locks), or past the last one given out when none is. A short gate (a
  session-level advisory lock, shared by writers, exclusive for the horizon) closes the gap
  between taking a version and marking it.
"""

from __future__ import annotations

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from central_api.models import VersionCounter

SEQUENCE = "ticket_versions"
# Two-int advisory key of the gate (pg_locks shows it with objsubid 2); versions are marked
# with the bigint form (objsubid 1), so the two never mix.
_GATE = {"a": 12345, "b": 1}
_LOCKED_IN = "version_counter_locked_in"  # session.info: the transaction holding the lock
_MARKED_IN = "version_marked_in"  # session.info: the transaction whose first version is marked


def uses_sequence(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def next_version(session: Session) -> int:
    if not uses_sequence(session):
        stmt = (update(VersionCounter).where(VersionCounter.id == 1)
                .values(value=VersionCounter.value + 1).returning(VersionCounter.value))
        return int(session.execute(stmt).scalar_one())
    connection = session.connection()
    transaction = session.get_transaction()
    if session.info.get(_MARKED_IN) is transaction:
        # This transaction's first version is marked already, and it is its smallest.
        return int(connection.execute(text(f"SELECT nextval('{SEQUENCE}')")).scalar_one())
    connection.execute(text("SELECT pg_advisory_lock_shared(:a, :b)"), _GATE)
    try:
        version = int(connection.execute(text(f"SELECT nextval('{SEQUENCE}')")).scalar_one())
        connection.execute(text("SELECT pg_advisory_xact_lock(:v)"), {"v": version})
    finally:
        connection.execute(text("SELECT pg_advisory_unlock_shared(:a, :b)"), _GATE)
    session.info[_MARKED_IN] = transaction
    return version


def lock_versions(session: Session) -> None:
    """SQLite: take the counter's lock now, before any ticket row, so no two writers wait for
    each other in opposite orders. Held until the transaction ends; asking again in the same
    transaction costs nothing. PostgreSQL has no global lock to take."""
    if uses_sequence(session):
        return
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_LOCKED_IN) is transaction:
        return
    session.execute(select(VersionCounter.id).where(VersionCounter.id == 1).with_for_update())
    session.info[_LOCKED_IN] = session.get_transaction()


def newest_version(session: Session) -> int:
    """The last version given out; no client can have seen a newer one."""
    if uses_sequence(session):
        row = session.execute(text(f"SELECT last_value, is_called FROM {SEQUENCE}")).one()
        return int(row.last_value) if row.is_called else int(row.last_value) - 1
    return int(session.scalar(select(VersionCounter.value).where(VersionCounter.id == 1)) or 0)


def pull_horizon(session: Session) -> int | None:
    """Versions below this are settled (committed or gone) and may be handed out; None when
    there is no limit (SQLite, where versions commit in order)."""
    if not uses_sequence(session):
        return None
    connection = session.connection()
    connection.execute(text("SELECT pg_advisory_lock(:a, :b)"), _GATE)
    try:
        in_flight = connection.execute(text(
            "SELECT min((classid::bigint << 32) | objid::bigint) FROM pg_locks "
            "WHERE locktype = 'advisory' AND objsubid = 1 AND granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )).scalar()
        newest = newest_version(session)
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:a, :b)"), _GATE)
    return int(in_flight) if in_flight is not None else newest + 1
