"""Pull cursors: one check for every pull by version (tickets, articles), and the oldest
cursor still served (tickets.py raises it when it compacts tombstones away)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent_app.core.refusals import CURSOR_TOO_OLD, EPOCH_CHANGED
from central_api.epochs import EPOCH_KEY, ahead_of_server, known_epoch, newest_version
from central_api.models import ServerMeta
from central_api.refused import refuse

MAX_PAGE = 1000

PULL_FLOOR_KEY = "pull_floor"


def pull_floor(session: Session) -> int:
    """The oldest cursor still served; raised when old tombstones are compacted away."""
    row = session.get(ServerMeta, PULL_FLOOR_KEY)
    return int(row.value) if row is not None else 0


def checked_cursor(session: Session, since: int, epoch: str | None, *,
                   compacted: bool, newest: int | None = None) -> str:
    """The server's epoch, once the client's cursor is known to mean something here: 410 for
    another epoch (restored from a backup, or another server), for a cursor beyond what this
    database holds (`newest`, the last version given out, read here when not given), and —
    where tombstones are compacted (`compacted`) — for one below the pull floor, after which
    deletions could be missed. The epoch and the floor are read in one round trip."""
    keys = [EPOCH_KEY, PULL_FLOOR_KEY] if compacted and since > 0 else [EPOCH_KEY]
    meta = dict(session.execute(select(ServerMeta.key, ServerMeta.value)
                                .where(ServerMeta.key.in_(keys))).all())
    server_epoch = known_epoch(meta.get(EPOCH_KEY))
    if epoch is not None and epoch != server_epoch:
        raise refuse(EPOCH_CHANGED)
    if epoch == server_epoch and since > (newest_version(session) if newest is None
                                          else newest):
        raise ahead_of_server(session)
    if compacted and 0 < since < int(meta.get(PULL_FLOOR_KEY) or 0):
        raise refuse(CURSOR_TOO_OLD)
    return server_epoch
