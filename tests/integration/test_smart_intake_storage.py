"""What smart intake reads from a real SQLite cache: the last days' tickets and the history
the category model learns from."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from agent_app.core.models import CategoryPath, LocationPath
from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.storage.repositories import ticket_payload
from agent_app.storage.smart_intake import recent_tickets, ticket_count, training_history
from tests.factories import make_ticket


def test_recent_tickets_and_training_history_from_the_cache(tmp_path: Path) -> None:
    db = open_database(tmp_path / "agent.db")
    try:
        base = make_ticket()
        now = base.created_at
        old = replace(make_ticket("OLD"), created_at=now - timedelta(days=30),
                      category=CategoryPath("公共服务", "供水"), content="停水三天")
        new = replace(make_ticket("NEW"), created_at=now - timedelta(hours=3),
                      location=LocationPath("新华区", "西高皇街道", "中央花园社区"))
        ops.import_synced_tickets(db, [ticket_payload(old), ticket_payload(new)])
        recent = recent_tickets(db, now)
        assert [t.id for t in recent] == ["NEW"]
        assert recent[0].location == new.location and recent[0].category == new.category
        history = training_history(db)
        assert [(t.text, t.category) for t in history] == [
            ("停水三天", ("公共服务", "供水")), (new.content, ("城市管理", "路灯照明"))]
        assert [t.text for t in training_history(db, limit=1)] == [new.content]
        assert ticket_count(db) == 2
    finally:
        db.close()
