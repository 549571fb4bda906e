from collections import Counter

from agent_app.core.enums import TicketStatus
from agent_app.demo.generate import DEMO_NOW, generate_demo_tickets
from agent_app.demo.runtime import demo_articles, seed_local_cache
from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.storage.schema import SyncState


def test_the_demo_cache_holds_every_ticket_and_article_once(tmp_path):
    db = open_database(tmp_path / "agent.db")
    expected = generate_demo_tickets()
    assert seed_local_cache(db, DEMO_NOW) == len(expected)
    assert seed_local_cache(db, DEMO_NOW) == 0  # a second start does not duplicate anything
    overview = ops.load_overview(db, DEMO_NOW)
    assert overview.tickets == len(expected)
    assert overview.unsent == 0 and overview.kb_articles == len(demo_articles())
    assert dict(overview.by_status) == {
        TicketStatus(s): n for s, n in Counter(t["status"] for t in expected).items()}
    with db.unit_of_work() as uow:
        sample = expected[123]
        ticket = uow.tickets.get(sample["id"])
        assert ticket is not None and len(ticket.events) == len(sample["events"])
        assert uow.tickets.sync_state(sample["id"]) is SyncState.SYNCED
    db.close()
