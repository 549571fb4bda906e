"""A real central API on loopback with the demo unit simulator, and one hotline client whose
screens act on it: what the review and callback tests share."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from agent_app.core.actions import TicketCommand
from agent_app.core.calendar import CHINA_TZ
from agent_app.core.interchange import ticket_from_dict
from agent_app.core.lifecycle import Action
from agent_app.core.models import Ticket
from agent_app.storage import ops
from agent_app.storage.database import Database
from agent_app.sync.client import CentralClient
from agent_app.sync.engine import SyncEngine, SyncReport
from agent_app.tasks import TaskRunner, Topic
from central_api.embedded import EmbeddedServer, start_embedded
from central_api.simulator import UnitSimulator
from tests.clients import signed_in
from tests.factories import make_ticket

UNIT = "市城市管理局"  # the demo unit account unit-cgj acts for it


@dataclass
class ClosedLoop:
    server: EmbeddedServer
    db: Database
    tasks: TaskRunner
    user: str
    engine: SyncEngine

    def sync(self) -> SyncReport:
        """What the main window's timer does: push, pull, and tell the screens."""
        report = self.engine.sync_once()
        self.tasks.notify(Topic.TICKETS, Topic.OUTBOX, Topic.SYNC)
        return report

    def simulator(self, *, return_rate: float) -> UnitSimulator:
        return UnitSimulator(self.server.server.config.app.state.sessions,
                             return_rate=return_rate)

    def unit(self) -> CentralClient:
        return signed_in(self.server.url, "unit-cgj")

    def dispatched(self, ticket_id: str, *, ago: timedelta = timedelta(0),
                   **fields: object) -> None:
        """A ticket registered and dispatched to UNIT by this client, then synced."""
        ticket: Ticket = replace(make_ticket(ticket_id, phone=f"1390000{len(ticket_id):04d}"),
                                 **fields)
        ops.register_ticket(self.db, ticket)
        at = datetime.now(CHINA_TZ) - ago
        ops.perform_ticket_command(self.db, TicketCommand(ticket_id, Action.DISPATCH, at,
                                                          self.user, {"unit": UNIT}))
        report = self.sync()
        assert report.rejected == []

    def on_server(self, ticket_id: str) -> Ticket:
        reply = signed_in(self.server.url, "lead01").get(f"/tickets/{ticket_id}")
        return ticket_from_dict(reply["ticket"])


def closed_loop(tmp_path, db: Database, tasks: TaskRunner, user: str) -> Iterator[ClosedLoop]:
    server = start_embedded(f"sqlite:///{tmp_path / 'central.db'}", seed_demo_users=True)
    try:
        yield ClosedLoop(server, db, tasks, user, SyncEngine(db, signed_in(server.url, user)))
    finally:
        server.stop()

