"""`agent-app --demo`: an embedded central API on 127.0.0.1 and a local cache with demo data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from agent_app.paths import resources_dir
from agent_app.storage.database import Database
from agent_app.storage.ops import import_kb_articles

DEMO_USER = "lead01"
DEMO_PASSWORD = "demo"


@dataclass
class DemoEnvironment:
    url: str
    _server: Any

    def stop(self) -> None:
        self._server.stop()


def start_demo_server(data_dir: Path, now: datetime) -> DemoEnvironment:
    """The embedded server holds the demo tickets, and simulated units work on them; the client
    receives both by syncing, as it would from a real centre. Tickets are laid out relative to
    `now`, so deadlines are as current on the day the demo is shown as on the day it was
    written."""
    # Imported here: FastAPI and uvicorn cost start-up time that only the demo should pay.
    from agent_app.demo.generate import generate_demo_tickets
    from central_api.embedded import start_embedded

    server = start_embedded(f"sqlite:///{data_dir / 'central-demo.db'}", seed_demo_users=True,
                            demo_tickets=generate_demo_tickets(now=now), simulate_units=True)
    return DemoEnvironment(url=server.url, _server=server)


def demo_articles() -> list[dict[str, Any]]:
    path = resources_dir() / "kb" / "demo_articles.jsonl"
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def seed_local_kb(db: Database) -> int:
    """Knowledge-base articles for the demo (they do not come through sync yet)."""
    with db.unit_of_work() as uow:
        if uow.kb.count() > 0:
            return 0
    return import_kb_articles(db, demo_articles())
