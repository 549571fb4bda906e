"""Engine and sessions from a URL: SQLite file by default, PostgreSQL in production."""

from __future__ import annotations

import sqlite3

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

# Connections each server process may hold; deps.get_session lets no more requests hold a
# session at once. All of them stay open once made: an overflow connection is closed when it
# is handed back, so a busy server opened a new PostgreSQL backend (a fork and a sign-in)
# for most requests, which cost more CPU than the request itself. The overflow is for work
# outside requests (the demo's unit simulator), which the slots do not count.
POOL_CONNECTIONS = 15


def make_engine(url: str) -> Engine:
    pool = {"pool_size": POOL_CONNECTIONS, "max_overflow": 2}
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False},
                               hide_parameters=True, **pool)

        @event.listens_for(engine, "connect")
        def pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

        return engine
    # hide_parameters: errors and logs never carry the values (citizens' phone numbers).
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, **pool)


def upgrade(engine: Engine) -> None:
    """Kept for callers holding an engine; the migration logic lives in migrate.py."""
    from central_api import migrate  # migrate imports this module

    migrate.upgrade(engine)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
