"""The server epoch (DESIGN.md §5): which history of this database clients have synced with.

A database restored from a backup has gone back in time: the versions it gives out next repeat
numbers clients have already seen, and mutations it acknowledged are gone. A new epoch tells
every client to pull everything again and to send back what the server no longer has. IT starts
one with `agent-api new-epoch` after a restore; the server also starts one itself the first
time a client shows it has seen more of this history than the database holds (a restore nobody
announced, or a copy of the database put into service). A copied file keeps its epoch, so only
such evidence can tell.

The epoch is read from the database on every request, not kept from start-up: every process
serving one database must agree, and a new epoch takes effect at once.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import HTTPException, status
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from central_api import versions
from central_api.models import ServerMeta, SyncClient

log = logging.getLogger(__name__)

EPOCH_KEY = "server_epoch"
# The epoch the current one replaced, and when: what `ticket.recover` is checked against.
REPLACED_KEY = "replaced_epoch"


@dataclass(frozen=True)
class ReplacedEpoch:
    epoch: str
    ended_at: datetime


def replaced_epoch(session: Session) -> ReplacedEpoch | None:
    value = session.scalar(select(ServerMeta.value).where(ServerMeta.key == REPLACED_KEY))
    if not value:
        return None
    data = json.loads(value)
    return ReplacedEpoch(data["epoch"], datetime.fromisoformat(data["ended_at"]))


def current_epoch(session: Session) -> str:
    epoch = session.scalar(select(ServerMeta.value).where(ServerMeta.key == EPOCH_KEY))
    if epoch is None:
        raise RuntimeError("the database has no server epoch: start the server once")
    return epoch


def newest_version(session: Session) -> int:
    """The last version this database has given out; no client can have seen a newer one."""
    return versions.newest_version(session)


def start_new_epoch(session: Session, *, replacing: str | None = None) -> str:
    """Start a new epoch and forget the old history's push bookkeeping: a restored row says
    less than the client knows, and each client declares where its mutation ids go on.
    With `replacing`, only if the epoch is still that one, so that requests noticing the same
    restore start one new epoch, not several. Commits; returns the epoch now in force."""
    new = str(uuid.uuid4())
    stmt = update(ServerMeta).where(ServerMeta.key == EPOCH_KEY).values(value=new)
    if replacing is not None:
        stmt = stmt.where(ServerMeta.value == replacing)
    old = current_epoch(session)
    if session.execute(stmt).rowcount:
        _remember_replaced(session, old)
        session.execute(delete(SyncClient))
        log.warning("new server epoch %s (was %s): every client resyncs", new,
                    replacing or "unknown")
    session.commit()
    return current_epoch(session)


def _remember_replaced(session: Session, old: str) -> None:
    value = json.dumps({"epoch": old, "ended_at": datetime.now(UTC).isoformat()})
    row = session.get(ServerMeta, REPLACED_KEY)
    if row is None:
        session.add(ServerMeta(key=REPLACED_KEY, value=value))
    else:
        row.value = value


def gone_back_in_time(session: Session, epoch: str) -> HTTPException:
    """A client has seen more of this history than the database holds: it was restored (or
    copied). A new epoch starts and the client is told to resync (410)."""
    session.rollback()
    start_new_epoch(session, replacing=epoch)
    return HTTPException(status.HTTP_410_GONE,
                         "this server holds less than you have already seen (restored from "
                         "a backup?): a new epoch has started, resync from scratch")
