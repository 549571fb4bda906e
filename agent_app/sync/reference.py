"""Fetch the server's reference data (catalogues, routing, deadline policy, calendar overrides)
now and then during sync: they change rarely, and every screen decides with them."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from agent_app.core.catalogue import CatalogueError
from agent_app.storage.database import Database
from agent_app.storage.reference import reference_fetched_at, store_reference
from agent_app.sync.client import CentralClient

log = logging.getLogger(__name__)

REFRESH_EVERY = timedelta(minutes=15)


def refresh_reference(db: Database, client: CentralClient, *, force: bool = False) -> bool:
    """True when new documents were stored. A document the client cannot load is logged and
    ignored, never stored: a bad upload on the server must not stop operators working."""
    last = reference_fetched_at(db)
    now = datetime.now(UTC)
    if not force and last is not None and now - datetime.fromisoformat(last) < REFRESH_EVERY:
        return False
    docs: dict[str, Any] = dict(client.get("/catalogues"))
    docs["deadline_policy"] = client.get("/deadline-policy")
    docs["calendar_overrides"] = client.get("/calendar/overrides")
    try:
        store_reference(db, docs, now.isoformat())
    except (CatalogueError, KeyError, TypeError, ValueError) as exc:
        log.error("the server's reference data does not load; keeping ours: %s", exc)
        return False
    return True
