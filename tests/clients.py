"""API clients for tests against a real central API on loopback."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from agent_app.sync.client import CentralClient


def signed_in(url: str, username: str = "op01", password: str = "demo") -> CentralClient:
    """Signed in as one of the demo users; one quick retry, no long back-off."""
    client = CentralClient(url, retries=1, backoff=0.01)
    client.token = client.login(username, password).token
    return client


def plant_unreadable_ticket(server: Any, like: str, ticket_id: str) -> None:
    """A copy of ticket `like` in a shape no client can store (content an object, a redo
    count past any integer column), written into the embedded server's database directly as
    an older server might have left it: no push can make one any more."""
    from sqlalchemy import select

    from central_api.models import TicketRecord
    from central_api.versions import next_version

    with server.server.config.app.state.sessions() as session:
        good = session.scalar(select(TicketRecord).where(TicketRecord.id == like))
        bad = json.loads(good.data)
        bad.update(id=ticket_id, content={"an": "object"}, redo_count=10**20)
        session.add(TicketRecord(id=ticket_id, data=json.dumps(bad), status="registered",
                                 unit=None, version=next_version(session), deleted=False,
                                 updated_at=datetime.now(UTC)))
        session.commit()


def remove_ticket_row(server: Any, ticket_id: str) -> None:
    """Takes a planted row out again, so that a server the module's tests share holds only
    rows its clients can store."""
    from central_api.models import TicketRecord

    with server.server.config.app.state.sessions() as session:
        session.delete(session.get(TicketRecord, ticket_id))
        session.commit()
