"""The audit trail (issue 15, item 8): every applied mutation and every administrative act,
append-only, with who, when, which client and what — and no citizen's data in it."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import replace
from datetime import UTC

import pytest
import requests
from sqlalchemy import create_engine, delete, select, text, update
from sqlalchemy.exc import DBAPIError

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import TicketStatus
from agent_app.core.interchange import ticket_to_dict
from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.sync.engine import SyncEngine
from central_api import cli
from central_api.app import API
from central_api.embedded import start_embedded
from central_api.models import AuditEntry
from tests.clients import signed_in
from tests.factories import make_ticket

UNIT = "市城市管理局"
CITIZEN = ("13900001111", "张先生", "路灯", "五一路")  # the phone, name, content, address
TIMEOUT = 10


@pytest.fixture
def served(server_db_url):
    dispatched = replace(make_ticket("AUDIT-UNIT", phone=CITIZEN[0]),
                         status=TicketStatus.DISPATCHED, unit=UNIT)
    server = start_embedded(server_db_url, seed_demo_users=True,
                            demo_tickets=[ticket_to_dict(dispatched)])
    yield server_db_url, server
    server.stop()


def entries(url: str) -> list[AuditEntry]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(AuditEntry).order_by(AuditEntry.id)))
    finally:
        engine.dispose()


def call(url: str, method: str, path: str, token: str, **kwargs: object) -> requests.Response:
    return requests.request(method, f"{url}{API}{path}", timeout=TIMEOUT,
                            headers={"Authorization": f"Bearer {token}"},
                            **kwargs)  # type: ignore[arg-type]


def test_every_applied_mutation_is_recorded_without_citizen_data(tmp_path, served):
    db_url, server = served
    engine = SyncEngine(open_database(tmp_path / "agent.db"), signed_in(server.url, "op01"))
    ops.register_ticket(engine.db, make_ticket("AUDIT-1", phone=CITIZEN[0]))
    report = engine.sync_once()
    assert report.pushed >= 1 and not report.rejected
    admin = signed_in(server.url, "admin").token
    # Refused mutations leave no entry: feedback on an article that does not exist.
    refused = call(server.url, "POST", "/sync/push", admin, json={
        "client_id": "audit-refused", "mutations": [{
            "mutation_id": 1, "op": "kb.feedback", "entity_id": "NO-SUCH",
            "args": {"article_id": "NO-SUCH", "text": "错了"}}]})
    assert refused.json()["acks"][0]["status"] == "rejected"

    found = entries(db_url)
    mine = [e for e in found if e.ticket_id == "AUDIT-1"]
    assert mine and all(e.actor == "op01" and e.client_id == engine.db.client_id()
                        for e in mine)
    assert len(mine) == report.pushed
    assert not [e for e in found if e.client_id == "audit-refused"]
    for entry in found:
        assert not any(fact in entry.detail for fact in CITIZEN), entry.detail
        assert isinstance(json.loads(entry.detail), dict)
    engine.db.close()


def test_administrative_acts_are_recorded(served):
    db_url, server = served
    admin = signed_in(server.url, "admin").token
    unit = signed_in(server.url, "unit-cgj").token
    assert call(server.url, "POST", "/users", admin, json={
        "username": "wangwu", "display_name": "王五", "role": "operator",
        "password": "Wang-pass-01"}).status_code == 201
    assert call(server.url, "POST", "/users/wangwu/disable", admin).status_code == 204
    assert call(server.url, "POST", "/users/wangwu/enable", admin).status_code == 204
    assert call(server.url, "PUT", "/users/wangwu/password", admin,
                json={"password": "Wang-pass-02"}).status_code == 204
    assert call(server.url, "PUT", "/calendar/overrides", admin, json=[
        {"date": "2027-01-04", "workday": False, "note": "调休"}]).status_code == 200
    assert call(server.url, "PUT", "/kb/articles/KB-A", admin, json={
        "title": "停水", "body": "正文", "unit": UNIT}).status_code == 200
    assert call(server.url, "DELETE", "/kb/articles/KB-A", admin).status_code == 204
    assert call(server.url, "POST", "/unit/tickets/AUDIT-UNIT/accept", unit).status_code == 200
    assert call(server.url, "DELETE", "/tickets/AUDIT-UNIT", admin).status_code == 204
    acts = [(e.actor, e.action, e.ticket_id) for e in entries(db_url)]
    assert acts == [("admin", "user.add", None), ("admin", "user.disable", None),
                    ("admin", "user.enable", None), ("admin", "user.passwd", None),
                    ("admin", "calendar.overrides", None), ("admin", "kb.article.put", None),
                    ("admin", "kb.article.delete", None),
                    ("unit-cgj", "unit.action", "AUDIT-UNIT"),
                    ("admin", "ticket.delete", "AUDIT-UNIT")]
    assert "Wang-pass" not in "".join(e.detail for e in entries(db_url))


def test_the_command_line_prints_a_tickets_and_a_users_trail_in_beijing_time(
        served, monkeypatch, capsys):
    db_url, server = served
    unit = signed_in(server.url, "unit-cgj").token
    assert call(server.url, "POST", "/unit/tickets/AUDIT-UNIT/accept", unit).status_code == 200
    monkeypatch.setattr(sys, "stdin", io.StringIO("Lead-pass-01\n"))
    assert cli.main(["users", "add", "zhao", "--role", "lead", "--password-stdin",
                     "--db", db_url]) == 0
    assert cli.main(["new-epoch", "--db", db_url]) == 0
    capsys.readouterr()

    assert cli.main(["audit", "--ticket", "AUDIT-UNIT", "--db", db_url]) == 0
    [line] = capsys.readouterr().out.splitlines()
    [accepted] = [e for e in entries(db_url) if e.ticket_id == "AUDIT-UNIT"]
    at = accepted.at if accepted.at.tzinfo else accepted.at.replace(tzinfo=UTC)
    beijing = at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")
    assert line.startswith(f"{beijing}  unit-cgj  unit.action  ticket=AUDIT-UNIT")
    assert '"kind": "accept"' in line

    actor = next(e.actor for e in entries(db_url) if e.action == "user.add")
    assert actor.startswith("cli:")
    assert cli.main(["audit", "--user", actor, "--db", db_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[2] for line in lines] == ["user.add", "epoch.new"]
    assert cli.main(["audit", "--user", "nobody", "--db", db_url]) == 0
    assert capsys.readouterr().err == "no audit entries\n"


def test_the_trail_is_append_only(served):
    db_url, server = served
    admin = signed_in(server.url, "admin").token
    assert call(server.url, "POST", "/users/op02/disable", admin).status_code == 204
    engine = create_engine(db_url)
    try:
        for statement in (update(AuditEntry).values(actor="someone-else"), delete(AuditEntry)):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(statement)
        if engine.dialect.name == "postgresql":
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text("TRUNCATE audit_log"))
    finally:
        engine.dispose()
    assert [(e.actor, e.action) for e in entries(db_url)] == [("admin", "user.disable")]
