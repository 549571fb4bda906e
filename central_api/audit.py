"""The audit trail: who did what, when, from which client (issue 15, item 8).

`record` adds the entry to the caller's transaction, so an entry exists exactly when the act
committed, and a rolled-back act leaves none. Details name what was done (a command's kind, a
user name, a count) and never what a citizen said: no phones, names, addresses or texts.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent_app.core.calendar import CHINA_TZ
from central_api.models import AuditEntry

# Keys a pushed mutation's args may contribute to its entry: what kind of act, never content.
MUTATION_KEYS = ("kind", "event_id", "article_id")
MAX_DETAIL_VALUE = 80


def record(session: Session, *, actor: str, client_id: str | None, action: str,
           ticket_id: str | None = None, detail: Mapping[str, Any] | None = None) -> None:
    """Add one entry to the caller's transaction (it commits or rolls back with the act)."""
    session.add(AuditEntry(at=datetime.now(UTC), actor=actor[:80], client_id=client_id,
                           action=action[:40], ticket_id=ticket_id,
                           detail=json.dumps(dict(detail or {}), ensure_ascii=False,
                                             sort_keys=True, default=str)))


def mutation_detail(mutation_id: int, args: Mapping[str, Any]) -> dict[str, Any]:
    """What a pushed mutation's entry keeps of it: its id and the kind of act, nothing else."""
    detail: dict[str, Any] = {"mutation_id": mutation_id}
    for key in MUTATION_KEYS:
        value = args.get(key)
        if isinstance(value, str):
            detail[key] = value[:MAX_DETAIL_VALUE]
    return detail


def command_line_actor() -> str:
    """Who ran an `agent-api` command: the operating-system account, as the server sees it."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for the uid (a container)
        return "cli:unknown"


def entries(session: Session, *, ticket_id: str | None = None,
            actor: str | None = None) -> Sequence[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if ticket_id is not None:
        query = query.where(AuditEntry.ticket_id == ticket_id)
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    return session.scalars(query).all()


def as_line(entry: AuditEntry) -> str:
    """One entry on one line, in Beijing time."""
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
    parts = [at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S"), entry.actor, entry.action,
             f"ticket={entry.ticket_id}" if entry.ticket_id else "",
             f"client={entry.client_id}" if entry.client_id else "",
             entry.detail if entry.detail not in ("", "{}") else ""]
    return "  ".join(part for part in parts if part)
