"""The server epoch (DESIGN.md §5): which history of this database clients have synced with.

A database restored from a backup has gone back in time: the versions it gives out next repeat
numbers clients have already seen, and mutations it acknowledged are gone. A new epoch tells
every client to pull everything again and to send back what the server no longer has.

Only two things start one (issue 15, item 5): IT, with `agent-api new-epoch` after a restore,
and the server itself when it finds at start-up that its database is not the one it served
before (`check_history`): the physical history of a PostgreSQL cluster (its system identifier,
timeline and database oid) or, for SQLite, a token kept both in the database and in a file
beside it. A client's claim never does: a client that says it has seen more than the database
holds (a cursor or an acknowledged mutation id ahead of it) gets 410 for itself alone, and
every other client syncs on undisturbed (it once took any operator one request to make every
client resync everything).

The epoch is read from the database on every request, not kept from start-up: every process
serving one database must agree, and a new epoch takes effect at once.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Engine, delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from agent_app.core.refusals import CLIENT_AHEAD
from central_api import audit, versions
from central_api.models import ServerMeta, SyncClient, VersionCounter
from central_api.refused import RefusedAnswer, refuse

log = logging.getLogger(__name__)

EPOCH_KEY = "server_epoch"
# The epoch the current one replaced, and when: what `ticket.recover` is checked against.
REPLACED_KEY = "replaced_epoch"
KEPT_REPLACED = 10


@dataclass(frozen=True)
class ReplacedEpoch:
    epoch: str
    ended_at: datetime


def replaced_epochs(session: Session) -> list[ReplacedEpoch]:
    """The epochs this database's history replaced, newest last (a restore may be noticed by
    the server at start-up and announced by IT as well: both count)."""
    value = session.scalar(select(ServerMeta.value).where(ServerMeta.key == REPLACED_KEY))
    if not value:
        return []
    data = json.loads(value)
    entries = data if isinstance(data, list) else [data]  # one entry, as first written
    return [ReplacedEpoch(e["epoch"], datetime.fromisoformat(e["ended_at"])) for e in entries]


def known_epoch(value: object) -> str:
    """The epoch as read from server_meta; a database without one was never started as a
    server, which no request can mend."""
    if value is None:
        raise RuntimeError("the database has no server epoch: start the server once")
    return str(value)


def current_epoch(session: Session) -> str:
    return known_epoch(session.scalar(select(ServerMeta.value)
                                      .where(ServerMeta.key == EPOCH_KEY)))


def newest_version(session: Session) -> int:
    """The last version this database has given out; no client can have seen a newer one."""
    return versions.newest_version(session)


def epoch_and_newest(session: Session) -> tuple[str, int]:
    """The current epoch and the last version given out, in one round trip (a push asks
    both)."""
    if versions.uses_sequence(session):
        row = session.execute(text(
            "SELECT (SELECT value FROM server_meta WHERE key = :key), "
            "CASE WHEN is_called THEN last_value ELSE last_value - 1 END "
            f"FROM {versions.SEQUENCE}"), {"key": EPOCH_KEY}).one()
    else:
        row = session.execute(
            select(select(ServerMeta.value).where(ServerMeta.key == EPOCH_KEY)
                   .scalar_subquery(), VersionCounter.value)
            .where(VersionCounter.id == 1)).one()
    return known_epoch(row[0]), int(row[1] or 0)


def start_new_epoch(session: Session, *, replacing: str | None = None,
                    actor: str = "server") -> str:
    """Start a new epoch and forget the old history's push bookkeeping: a restored row says
    less than the client knows, and each client declares where its mutation ids go on.
    With `replacing`, only if the epoch is still that one, so that requests noticing the same
    restore start one new epoch, not several. Commits; returns the epoch now in force."""
    new = str(uuid.uuid4())
    stmt = update(ServerMeta).where(ServerMeta.key == EPOCH_KEY).values(value=new)
    if replacing is not None:
        stmt = stmt.where(ServerMeta.value == replacing)
    old = current_epoch(session)
    if cast(CursorResult[Any], session.execute(stmt)).rowcount:  # an UPDATE's result
        _remember_replaced(session, old)
        session.execute(delete(SyncClient))
        audit.record(session, actor=actor, client_id=None, action="epoch.new",
                     detail={"old_epoch": replacing, "new_epoch": new})
        log.warning("new server epoch %s (was %s): every client resyncs", new,
                    replacing or "unknown")
    session.commit()
    return current_epoch(session)


def _remember_replaced(session: Session, old: str) -> None:
    entries = [{"epoch": e.epoch, "ended_at": e.ended_at.isoformat()}
               for e in replaced_epochs(session)][-(KEPT_REPLACED - 1):]
    entries.append({"epoch": old, "ended_at": datetime.now(UTC).isoformat()})
    row = session.get(ServerMeta, REPLACED_KEY)
    if row is None:
        session.add(ServerMeta(key=REPLACED_KEY, value=json.dumps(entries)))
    else:
        row.value = json.dumps(entries)


def ahead_of_server(session: Session, client_id: str | None = None) -> RefusedAnswer:
    """A client says it has seen more of this history than the database holds: that client
    alone is told to resync (410). Its own push bookkeeping is forgotten, so its next push goes
    on after the last id it declares acknowledged; nothing else changes."""
    session.rollback()
    if client_id is not None:
        session.execute(delete(SyncClient).where(SyncClient.client_id == client_id))
        session.commit()
    log.warning("a client is ahead of this database (client id %s): it alone resyncs",
                client_id or "unknown")
    return refuse(CLIENT_AHEAD)


# Restore detection ------------------------------------------------------------------------
HISTORY_KEY = "history_identity"
SIDECAR_SUFFIX = ".history"


def _sqlite_file(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def _postgres_identity(connection: Connection) -> str | None:
    """The cluster's system identifier (new with every initdb, so with every logical restore
    into another cluster), the timeline of its last checkpoint (raised by every point-in-time
    recovery and every promotion of a standby) and the database's oid (new when the database
    is dropped and restored): any of them changing means this is not the history clients saw."""
    try:
        with connection.begin_nested():
            row = connection.execute(text(
                "SELECT s.system_identifier, c.timeline_id, d.oid "
                "FROM pg_control_system() s, pg_control_checkpoint() c, pg_database d "
                "WHERE d.datname = current_database()")).one()
    except DBAPIError as exc:  # a role without the right to read the control data
        log.warning("cannot read PostgreSQL control data, restore detection limited to the "
                    "database oid: %s", type(exc.orig).__name__)
        oid = connection.execute(text(
            "SELECT oid FROM pg_database WHERE datname = current_database()")).scalar_one()
        return f"postgresql:oid={oid}"
    return f"postgresql:{row[0]}:tli={row[1]}:oid={row[2]}"


def _read_sidecar(path: Path) -> dict[str, object] | None:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _write_sidecar(path: Path, token: str, version: int) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps({"token": token, "version": version}), encoding="utf-8")
    os.replace(temporary, path)


def check_history(engine: Engine, sessions: sessionmaker[Session]) -> str | None:
    """At start-up: whether this database is the history clients synced with. If not (it was
    restored, or copied in), a new epoch starts and is logged, with an audit entry. Returns
    the new epoch, or None when nothing changed. The first start records the identity."""
    sidecar = _sqlite_file(engine)
    sidecar = sidecar.with_name(sidecar.name + SIDECAR_SUFFIX) if sidecar else None
    with sessions() as session:
        recorded = session.get(ServerMeta, HISTORY_KEY)
        reason = None
        live: str | None
        if sidecar is not None:
            # SQLite: a fresh token at every start, kept in the database and beside it; a
            # file restored or copied in carries an older token (or none beside it), and one
            # restored while the server was down also holds fewer versions than last seen.
            kept = _read_sidecar(sidecar)
            version = newest_version(session)
            if recorded is not None and kept is None:
                reason = "the database has no history file beside it (copied in?)"
            elif recorded is not None and kept is not None and kept.get("token") != recorded.value:
                reason = "the database's history token differs from the file beside it"
            elif kept is not None and isinstance(kept.get("version"), int) \
                    and version < int(str(kept["version"])):
                reason = "the database holds fewer versions than it had given out"
            live = uuid.uuid4().hex
        else:
            live = _postgres_identity(session.connection()) \
                if engine.dialect.name == "postgresql" else None
            if live is None:
                return None
            if recorded is not None and recorded.value != live:
                reason = f"the database's physical history changed ({recorded.value} → {live})"
        if recorded is None:
            session.add(ServerMeta(key=HISTORY_KEY, value=live))
        else:
            recorded.value = live
        new_epoch = None
        if reason is not None:
            old = current_epoch(session)
            new_epoch = str(uuid.uuid4())
            session.execute(update(ServerMeta).where(ServerMeta.key == EPOCH_KEY)
                            .values(value=new_epoch))
            _remember_replaced(session, old)  # what clients send back names it
            session.execute(delete(SyncClient))
            audit.record(session, actor="server", client_id=None, action="epoch.restore",
                         detail={"old_epoch": old, "new_epoch": new_epoch, "why": reason})
            log.warning("restore detected (%s): new server epoch %s (was %s), every client "
                        "resyncs", reason, new_epoch, old)
        version = newest_version(session)
        session.commit()
    if sidecar is not None:
        _write_sidecar(sidecar, live, version)
    return new_epoch


def note_high_water(engine: Engine) -> None:
    """At a clean stop (SQLite): how many versions were given out, so a file restored while
    the server is down is caught by its fewer versions."""
    path = _sqlite_file(engine)
    if path is None:
        return
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    kept = _read_sidecar(sidecar)
    if kept is None or not isinstance(kept.get("token"), str):
        return
    with Session(engine) as session:
        _write_sidecar(sidecar, str(kept["token"]), newest_version(session))
