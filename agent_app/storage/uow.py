"""Unit of Work: one per user action; everything it writes commits together or not at all."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from agent_app.storage.errors import disk_error
from agent_app.storage.repositories import (
    ConflictRepository,
    DraftRepository,
    KbRepository,
    MetaRepository,
    OutboxRepository,
    TicketRepository,
)


class UnitOfWork:
    """`with db.unit_of_work() as uow: ...; uow.commit()` — leaving without commit rolls back."""

    def __init__(self, sessions: sessionmaker[Session], path: Path) -> None:
        self._sessions = sessions
        self._path = path

    def __enter__(self) -> UnitOfWork:
        self.session = self._sessions()
        self.tickets = TicketRepository(self.session)
        self.outbox = OutboxRepository(self.session)
        self.drafts = DraftRepository(self.session)
        self.meta = MetaRepository(self.session)
        self.kb = KbRepository(self.session)
        self.conflicts = ConflictRepository(self.session)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        # close() rolls back anything uncommitted without expiring loaded objects, so plain
        # values read inside the unit of work stay readable after it.
        self.session.close()
        if isinstance(exc, DBAPIError):
            problem = disk_error(self._path, exc.orig)
            if problem is not None:
                # A full disk or a file another program holds: nothing was written, and the
                # message names the file without the SQL and its values.
                raise problem from exc

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
