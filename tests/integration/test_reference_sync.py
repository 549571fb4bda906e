"""Reference data (calendar overrides, policy, catalogues, routing) from a real server."""

from __future__ import annotations

from datetime import date

import pytest

from agent_app.storage.database import open_database
from agent_app.storage.reference import load_reference
from agent_app.sync.reference import refresh_reference
from central_api.embedded import start_embedded
from tests.clients import signed_in


@pytest.fixture
def server(tmp_path):
    embedded = start_embedded(f"sqlite:///{tmp_path / 'central.db'}", seed_demo_users=True)
    yield embedded
    embedded.stop()



def test_an_admins_calendar_change_reaches_the_client_and_moves_deadlines(tmp_path, server):
    saturday = date(2026, 12, 5)
    db = open_database(tmp_path / "client.db")
    try:
        assert not load_reference(db).calendar.is_workday(saturday)
        signed_in(server.url, "admin").put(
            "/calendar/overrides", [{"date": saturday.isoformat(), "workday": True,
                                     "note": "调休上班"}])
        operator = signed_in(server.url, "op01")
        assert refresh_reference(db, operator)
        reference = load_reference(db)
        assert reference.calendar.is_workday(saturday)
        assert reference.routing.rules  # the routing table came along with the catalogues
        # Fetched a moment ago: the next sync does not ask again.
        assert not refresh_reference(db, operator)
    finally:
        db.close()


def test_documents_the_client_cannot_load_are_ignored(tmp_path, server, monkeypatch):
    db = open_database(tmp_path / "client.db")
    try:
        operator = signed_in(server.url, "op01")
        real_get = operator.get
        monkeypatch.setattr(operator, "get", lambda path: {"rules": "nonsense"}
                            if path == "/deadline-policy" else real_get(path))
        assert not refresh_reference(db, operator, force=True)
        # Still the shipped policy, and still usable.
        assert load_reference(db).policy.accept_within_working_hours == 2
    finally:
        db.close()
