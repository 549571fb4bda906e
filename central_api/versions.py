"""The version every change gets, and how far a pull may read (DESIGN.md §5).

A client's cursor is the last version it has pulled, so no version may become visible after
a larger one: a cursor would move past it and never see it. Two ways keep that:

- SQLite (one writer at a time anyway): one counter row that each writer updates inside its
  transaction; the row lock orders the writers, so versions commit in the order they are
  given out.
- PostgreSQL: no global lock. Versions come from a sequence, so writers run side by side and
  may commit out of order. Before a transaction takes its first version it marks a lower
  bound of it (the sequence's next value as it reads it then) with a shared,
  transaction-scoped advisory lock, which PostgreSQL drops at commit, rollback or a crash.
  A pull reads only below the horizon: it reads the sequence first, then the smallest mark
  still held (pg_locks), and takes the smaller of that and one past the last version given
  out. A version the reader saw given out was taken after its mark was held, so the mark is
  in what it reads next; a version taken later is above what it read. Nobody waits for
  anybody: there once was a gate lock instead, and every pull queueing for it exclusively
  behind the writers made it a global lock again (issue 20: pushes waited seconds).
"""

from __future__ import annotations

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from central_api.models import VersionCounter

SEQUENCE = "ticket_versions"  # CACHE 1 (the default): a session must not hand out values
# from a cache below the sequence's last_value, or a mark would not bound its version.
# Marks are bigint advisory keys (pg_locks shows them with objsubid 1); an application's
# two-int keys (objsubid 2) never mix with them.
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
        return int(connection.execute(_NEXT).scalar_one())
    version = int(connection.execute(_MARK_AND_NEXT).scalar_one())
    session.info[_MARKED_IN] = transaction
    return version


_NEXT = text(f"SELECT nextval('{SEQUENCE}')")
# One round trip, in this order: the mark (the MATERIALIZED CTE is scanned before the row it
# yields is projected), then nextval, which can only return the marked value or a larger one.
# is_called is false only before the first nextval, which then returns last_value itself.
_MARK_AND_NEXT = text(
    f"WITH mark AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared("
    f"CASE WHEN is_called THEN last_value + 1 ELSE last_value END) AS done FROM {SEQUENCE}) "
    f"SELECT nextval('{SEQUENCE}') FROM mark")


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
    return pull_bounds(session)[1]


def pull_bounds(session: Session) -> tuple[int, int | None]:
    """The last version given out, and the horizon (pull_horizon); on PostgreSQL both from one
    statement, a pull's one round trip for where versions stand."""
    if not uses_sequence(session):
        return newest_version(session), None
    following, horizon = session.connection().execute(_HORIZON).one()
    return int(following) - 1, int(horizon)


# The sequence is read first (the MATERIALIZED CTE), the marks after it: the subquery on
# pg_locks depends on the CTE's row, so it cannot run before the sequence is read.
_HORIZON = text(
    f"WITH seq AS MATERIALIZED (SELECT CASE WHEN is_called THEN last_value + 1 "
    f"ELSE last_value END AS next FROM {SEQUENCE}) "
    "SELECT seq.next, LEAST(seq.next, (SELECT min((l.classid::bigint << 32) | l.objid::bigint) "
    "FROM pg_locks l WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted "
    "AND seq.next IS NOT NULL "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))) "
    "FROM seq")
