"""Pull cursors: the oldest one still served (tickets.py raises it when it compacts
tombstones away)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from central_api.models import ServerMeta

MAX_PAGE = 1000

PULL_FLOOR_KEY = "pull_floor"


def pull_floor(session: Session) -> int:
    """The oldest cursor still served; raised when old tombstones are compacted away."""
    row = session.get(ServerMeta, PULL_FLOOR_KEY)
    return int(row.value) if row is not None else 0
