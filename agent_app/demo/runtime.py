"""`agent-app --demo`: an embedded central API on 127.0.0.1 holding the demo data, which the
local cache receives by syncing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from agent_app.paths import resources_dir

DEMO_USER = "lead01"
DEMO_PASSWORD = "demo"


@dataclass
class DemoEnvironment:
    url: str
    _server: Any

    def stop(self) -> None:
        self._server.stop()


def start_demo_server(data_dir: Path, now: datetime) -> DemoEnvironment:
    """The embedded server holds the demo tickets and KB articles, and simulated units work on
    the tickets; the client receives all of it by syncing, as it would from a real centre.
    Tickets are laid out relative to `now`, so deadlines are as current on the day the demo is
    shown as on the day it was written."""
    # Imported here: FastAPI and uvicorn cost start-up time that only the demo should pay.
    from agent_app.demo.generate import generate_demo_tickets
    from central_api.embedded import start_embedded

    server = start_embedded(f"sqlite:///{data_dir / 'central-demo.db'}", seed_demo_users=True,
                            demo_tickets=generate_demo_tickets(now=now),
                            demo_articles=demo_articles(), simulate_units=True)
    return DemoEnvironment(url=server.url, _server=server)


def demo_articles() -> list[dict[str, Any]]:
    path = resources_dir() / "kb" / "demo_articles.jsonl"
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
