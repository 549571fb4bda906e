"""Sharing what operators used from the KB (central_api/kb_learning.py), on a real server on
loopback (SQLite and PostgreSQL): pairs pushed as `kb.usage` come back to every seat from
GET /kb/usage in version order, marked as the asker's own or not; only a lead vetoes; bad
pairs and queries holding a long number are rejected with a reason; a client stores a page
it pulled. The operation is registered here as the lead will register it in sync.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from agent_app.search.learning import store_shared_usage, usage_args
from agent_app.storage.database import open_database
from central_api import sync
from central_api.app import API, DEMO_PASSWORD
from central_api.embedded import start_embedded
from central_api.kb_learning import OPERATION
from central_api.kb_writes import apply_kb_usage

TIMEOUT = 10
# An hour ago: pulls leave out pairs older than the server's horizon (180 days).
AT = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
ARTICLE = {"title": "快递丢失损坏申诉", "body": "快递丢失或损坏的，可向邮政管理部门申诉。"}


@pytest.fixture
def server(server_db_url, monkeypatch):
    monkeypatch.setitem(sync.OPERATIONS, OPERATION, apply_kb_usage)
    embedded = start_embedded(server_db_url, seed_demo_users=True)
    yield embedded
    embedded.stop()


class Seat:
    def __init__(self, url: str, username: str, client_id: str) -> None:
        self.url, self.client_id, self.mutation_id = url, client_id, 0
        reply = requests.post(f"{url}{API}/auth/login", timeout=TIMEOUT,
                              json={"username": username, "password": DEMO_PASSWORD})
        reply.raise_for_status()
        self.headers = {"Authorization": f"Bearer {reply.json()['token']}"}

    def push(self, article_id: str, args: dict) -> dict:
        self.mutation_id += 1
        mutation = {"mutation_id": self.mutation_id, "op": OPERATION, "entity_id": article_id,
                    "args": args}
        reply = requests.post(f"{self.url}{API}/sync/push", headers=self.headers,
                              timeout=TIMEOUT,
                              json={"client_id": self.client_id, "mutations": [mutation]})
        assert reply.status_code == 200, reply.text
        return reply.json()["acks"][0]

    def pull(self, since: int = 0, limit: int = 500) -> dict:
        reply = requests.get(f"{self.url}{API}/kb/usage", headers=self.headers,
                             timeout=TIMEOUT, params={"since": since, "limit": limit})
        assert reply.status_code == 200, reply.text
        return reply.json()


def add_article(url: str, article_id: str) -> None:
    admin = Seat(url, "admin", "admin-client-01")
    reply = requests.put(f"{url}{API}/kb/articles/{article_id}", headers=admin.headers,
                         timeout=TIMEOUT, json=ARTICLE)
    assert reply.status_code == 200, reply.text


def test_pairs_pushed_by_one_seat_reach_every_seat_in_version_order(server, tmp_path):
    add_article(server.url, "kd-1")
    one, two = Seat(server.url, "op01", "seat-one-001"), Seat(server.url, "op02", "seat-two-002")
    first = one.push("kd-1", usage_args("快递一直没送到", "kd-1", "answer", AT))
    second = two.push("kd-1", usage_args("快递丢了怎么办", "kd-1", "open", AT))
    assert first["status"] == second["status"] == "applied"
    assert second["version"] > first["version"]
    page = two.pull()
    assert [(i["query"], i["action"], i["mine"]) for i in page["items"]] == [
        ("快递一直没送到", "answer", False), ("快递丢了怎么办", "open", True)]
    assert page["cursor"] == second["version"] and not page["more"]
    assert two.pull(since=page["cursor"])["items"] == []
    first_page = two.pull(limit=1)
    assert len(first_page["items"]) == 1 and first_page["more"]
    # A client keeps the page it pulled.
    db = open_database(tmp_path / "agent.db")
    try:
        assert store_shared_usage(db, page["items"], page["cursor"]) == 2
    finally:
        db.close()


def test_only_a_lead_vetoes_and_the_veto_is_shared(server):
    add_article(server.url, "kd-1")
    operator = Seat(server.url, "op01", "seat-one-001")
    lead = Seat(server.url, "lead01", "seat-lead-01")
    veto = {"article_id": "kd-1", "action": "veto", "query": None, "at": AT.isoformat()}
    refused = operator.push("kd-1", veto)
    assert refused["status"] == "rejected" and "班长" in refused["reason"]
    assert lead.push("kd-1", veto)["status"] == "applied"
    (item,) = operator.pull()["items"]
    assert item["action"] == "veto" and item["query"] is None and not item["mine"]


@pytest.mark.parametrize(("args", "reason"), [
    ({"action": "open", "query": "快递", "at": AT.isoformat()}, "不一致"),
    ({"article_id": "kd-1", "action": "like", "query": "快递", "at": AT.isoformat()},
     "类型"),
    ({"article_id": "kd-1", "action": "open", "query": None, "at": AT.isoformat()}, "查询"),
    ({"article_id": "kd-1", "action": "open", "query": "  ", "at": AT.isoformat()}, "查询"),
    ({"article_id": "kd-1", "action": "open", "query": "我电话13812345678快递丢了",
      "at": AT.isoformat()}, "长数字"),
    ({"article_id": "kd-1", "action": "open", "query": "快递", "at": "yesterday"}, "格式"),
    ({"article_id": "kd-1", "action": "open", "query": "快递", "at": "2026-12-01T09:00:00"},
     "时区"),
    ({"article_id": "no-such", "action": "open", "query": "快递", "at": AT.isoformat()},
     "没有这条知识"),
])
def test_bad_pairs_are_rejected_with_a_reason_and_nothing_is_shared(server, args, reason):
    add_article(server.url, "kd-1")
    seat = Seat(server.url, "op01", "seat-one-001")
    entity = args.get("article_id") or "kd-2"
    ack = seat.push(entity, args)
    assert ack["status"] == "rejected" and reason in ack["reason"]
    assert seat.pull()["items"] == []


def test_a_seat_clock_running_ahead_does_not_date_pairs_in_the_future(server):
    add_article(server.url, "kd-1")
    seat = Seat(server.url, "op01", "seat-one-001")
    ahead = datetime.now(UTC) + timedelta(days=30)
    seat.push("kd-1", usage_args("快递丢了", "kd-1", "open", ahead))
    (item,) = seat.pull()["items"]
    assert datetime.fromisoformat(item["at"]) <= datetime.now(UTC)
