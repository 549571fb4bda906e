from collections import Counter

from agent_app.core.enums import TicketStatus
from agent_app.demo.generate import DEMO_NOW, generate_demo_tickets
from agent_app.demo.runtime import (
    DEMO_PASSWORD,
    DEMO_USER,
    demo_articles,
    start_demo_server,
)
from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.storage.schema import SyncState
from agent_app.sync.client import CentralClient
from agent_app.sync.engine import SyncEngine


def test_the_demo_reaches_the_client_through_sync_once(tmp_path):
    demo = start_demo_server(tmp_path, DEMO_NOW)
    db = open_database(tmp_path / "agent.db")
    try:
        client = CentralClient(demo.url)
        client.token = client.login(DEMO_USER, DEMO_PASSWORD).token
        expected = generate_demo_tickets(now=DEMO_NOW)
        report = SyncEngine(db, client).sync_once()
        assert report.pulled == len(expected)
        assert report.kb_pulled == len(demo_articles())
        overview = ops.load_overview(db, DEMO_NOW)
        assert overview.tickets == len(expected) and overview.unsent == 0
        assert overview.kb_articles == len(demo_articles())
        assert dict(overview.by_status) == {
            TicketStatus(s): n for s, n in Counter(t["status"] for t in expected).items()}
        with db.unit_of_work() as uow:
            sample = expected[123]
            ticket = uow.tickets.get(sample["id"])
            assert ticket is not None and len(ticket.events) == len(sample["events"])
            assert uow.tickets.sync_state(sample["id"]) is SyncState.SYNCED
    finally:
        db.close()
        demo.stop()

    restarted = start_demo_server(tmp_path, DEMO_NOW)  # same server file: no second copy
    try:
        client = CentralClient(restarted.url)
        client.token = client.login(DEMO_USER, DEMO_PASSWORD).token
        page = client.pull(0, limit=1000, epoch=None)
        assert len(page["changes"]) == len(expected)
        articles = client.pull_kb(0, limit=1000, epoch=None)
        assert len(articles["changes"]) == len(demo_articles())
    finally:
        restarted.stop()
