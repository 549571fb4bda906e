"""The demo's data loaded into an empty server, as if it had been pushed and submitted."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent_app.core.interchange import ticket_from_dict
from central_api.kb import ArticleIn
from central_api.models import KbArticle, TicketEventId, TicketRecord
from central_api.versions import next_version


def seed_tickets(session: Session, tickets: Sequence[Mapping[str, Any]]) -> int:
    """Load tickets as if they had been pushed (the demo's data); no-op on a non-empty server."""
    if session.scalar(select(TicketRecord.id).limit(1)) is not None:
        return 0
    for record in tickets:
        ticket = ticket_from_dict(record)
        session.add(TicketRecord(id=ticket.id, data=json.dumps(record, ensure_ascii=False),
                                 status=ticket.status.value, unit=ticket.unit,
                                 version=next_version(session), deleted=False,
                                 updated_at=datetime.now(UTC)))
        session.add_all(TicketEventId(event_id=e.id, ticket_id=ticket.id) for e in ticket.events)
    session.commit()
    return len(tickets)


def seed_articles(session: Session, articles: Sequence[Mapping[str, Any]]) -> int:
    """Load articles as if units had submitted them (the demo's KB); no-op on a non-empty KB."""
    if session.scalar(select(KbArticle.id).limit(1)) is not None:
        return 0
    for record in articles:
        body = ArticleIn.model_validate({k: record.get(k) for k in ArticleIn.model_fields})
        updated = record.get("updated_at")
        session.add(KbArticle(
            id=str(record["id"]), title=body.title, body=body.body, category=body.category,
            unit=body.unit, deleted=False, version=next_version(session),
            # In UTC: SQLite keeps the wall time and drops the offset.
            updated_at=datetime.fromisoformat(updated).astimezone(UTC) if updated
            else datetime.now(UTC)))
    session.commit()
    return len(articles)
