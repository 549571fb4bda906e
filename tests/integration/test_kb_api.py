"""KB on the central API (real server on loopback, SQLite and PostgreSQL): units submit their
own articles, every client role pulls them by version with tombstones, feedback is pushed and
read by the owning unit only."""

from __future__ import annotations

import pytest
import requests
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from central_api import db as central_db
from central_api.app import API, DEMO_PASSWORD
from central_api.embedded import start_embedded
from central_api.migrate import upgrade
from central_api.models import Base

TIMEOUT = 10
OWN_UNIT = "市城市管理局"  # unit-cgj's unit
ARTICLE = {"title": "占道经营投诉处理流程", "body": "由属地城管执法中队处理，限时5个工作日。",
           "category": "城市管理/市容秩序"}


@pytest.fixture
def server(server_db_url):
    embedded = start_embedded(server_db_url, seed_demo_users=True)
    yield embedded
    embedded.stop()


class Api:
    def __init__(self, url: str, username: str, password: str = DEMO_PASSWORD) -> None:
        self.url = url
        reply = requests.post(f"{url}{API}/auth/login", timeout=TIMEOUT,
                              json={"username": username, "password": password})
        reply.raise_for_status()
        self.headers = {"Authorization": f"Bearer {reply.json()['token']}"}

    def __call__(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.url}{API}{path}", headers=self.headers,
                                timeout=TIMEOUT, **kwargs)

    def pull(self, since: int = 0, **params) -> dict:
        reply = self("GET", "/kb/articles", params={"since": since, **params})
        assert reply.status_code == 200, reply.text
        return reply.json()

    def feedback(self, client_id: str, mutation_id: int, article_id: str, text: str) -> dict:
        mutation = {"mutation_id": mutation_id, "op": "kb.feedback", "entity_id": article_id,
                    "args": {"article_id": article_id, "text": text}}
        reply = self("POST", "/sync/push",
                     json={"client_id": client_id, "mutations": [mutation]})
        assert reply.status_code == 200, reply.text
        return reply.json()["acks"][0]


def test_a_unit_submits_an_article_for_itself_and_every_client_role_pulls_it(server):
    unit = Api(server.url, "unit-cgj")
    reply = unit("PUT", "/kb/articles/cgj-001", json=ARTICLE)
    assert reply.status_code == 200, reply.text
    saved = reply.json()
    assert saved["unit"] == OWN_UNIT and saved["version"] > 0
    for username in ("op01", "lead01", "admin", "unit-cgj"):
        page = Api(server.url, username).pull()
        (change,) = page["changes"]
        assert change["id"] == "cgj-001" and not change["deleted"]
        assert change["article"]["title"] == ARTICLE["title"]
        assert change["article"]["unit"] == OWN_UNIT
        assert page["cursor"] == saved["version"] and not page["more"]


def test_units_write_only_their_own_articles_and_admins_any(server):
    unit, admin = Api(server.url, "unit-cgj"), Api(server.url, "admin")
    other = {**ARTICLE, "unit": "市人社局"}
    assert unit("PUT", "/kb/articles/x-1", json=other).status_code == 422
    assert admin("PUT", "/kb/articles/rs-1", json=other).status_code == 200
    # An article of another unit can be neither overwritten nor deleted by this unit.
    assert unit("PUT", "/kb/articles/rs-1", json=ARTICLE).status_code == 409
    assert unit("DELETE", "/kb/articles/rs-1").status_code == 404
    assert Api(server.url, "op01").pull()["changes"][0]["article"]["unit"] == "市人社局"
    assert admin("DELETE", "/kb/articles/rs-1").status_code == 204
    for role_user in ("op01", "lead01"):
        assert Api(server.url, role_user)("PUT", "/kb/articles/x-2",
                                          json=ARTICLE).status_code == 403


def test_edits_and_deletions_come_in_version_order_with_tombstones(server):
    unit, reader = Api(server.url, "unit-cgj"), Api(server.url, "op01")
    for n in range(3):
        unit("PUT", f"/kb/articles/a-{n}", json={**ARTICLE, "title": f"条目{n}"})
    first = reader.pull(limit=2)
    assert [c["id"] for c in first["changes"]] == ["a-0", "a-1"] and first["more"]
    unit("PUT", "/kb/articles/a-0", json={**ARTICLE, "title": "条目0（修订）"})
    assert unit("DELETE", "/kb/articles/a-1").status_code == 204
    assert unit("DELETE", "/kb/articles/a-1").status_code == 404
    rest = reader.pull(first["cursor"])
    assert [(c["id"], c["deleted"]) for c in rest["changes"]] == [
        ("a-2", False), ("a-0", False), ("a-1", True)]
    assert rest["changes"][1]["article"]["title"] == "条目0（修订）"
    assert rest["changes"][2]["article"] is None
    versions = [c["version"] for c in first["changes"] + rest["changes"]]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    assert reader.pull(rest["cursor"])["changes"] == []
    # Re-creating a deleted id brings it back for every client.
    assert unit("PUT", "/kb/articles/a-1", json=ARTICLE).status_code == 200
    assert [c["id"] for c in reader.pull(rest["cursor"])["changes"]] == ["a-1"]


def test_a_changed_epoch_is_gone(server):
    reader = Api(server.url, "op01")
    epoch = reader.pull()["server_epoch"]
    assert reader.pull(epoch=epoch)["server_epoch"] == epoch
    assert reader("GET", "/kb/articles", params={"epoch": "another-server"}).status_code == 410


@pytest.mark.parametrize("article_id", ["a" * 41, "has space", "引号"])
def test_bad_article_ids_and_bodies_are_422(server, article_id):
    admin = Api(server.url, "admin")
    assert admin("PUT", f"/kb/articles/{article_id}", json=ARTICLE).status_code == 422
    for body in ({**ARTICLE, "title": ""}, {**ARTICLE, "body": "x" * 20_001},
                 {**ARTICLE, "extra": 1}, {"title": "只有标题"}):
        assert admin("PUT", "/kb/articles/ok-1", json=body).status_code == 422


def test_feedback_reaches_the_owning_unit_only(server):
    unit, admin, operator = Api(server.url, "unit-cgj"), Api(server.url, "admin"), \
        Api(server.url, "op01")
    unit("PUT", "/kb/articles/cgj-1", json=ARTICLE)
    admin("PUT", "/kb/articles/rs-1", json={**ARTICLE, "unit": "市人社局"})
    ack = operator.feedback("feedback-client-1", 1, "cgj-1", "  电话号码已经变了  ")
    assert ack["status"] == "applied"
    assert operator.feedback("feedback-client-1", 2, "rs-1", "办理地点搬迁")["status"] == \
        "applied"
    admin("POST", "/users", json={"username": "unit-rs", "display_name": "市人社局",
                                  "role": "unit", "unit_code": "pds-rsj",
                                  "password": "a-long-password"})
    mine = unit("GET", "/unit/kb-feedback").json()
    assert [(f["article_id"], f["text"], f["reporter"], f["article_title"]) for f in mine] == [
        ("cgj-1", "电话号码已经变了", "op01", ARTICLE["title"])]
    theirs = Api(server.url, "unit-rs", "a-long-password")("GET", "/unit/kb-feedback").json()
    assert [(f["article_id"], f["text"]) for f in theirs] == [("rs-1", "办理地点搬迁")]
    # Still the unit's to read after the article is gone.
    unit("DELETE", "/kb/articles/cgj-1")
    assert unit("GET", "/unit/kb-feedback").json()[0]["article_title"] is None


def test_feedback_on_a_missing_article_or_without_text_is_rejected_with_a_reason(server):
    unit, operator = Api(server.url, "unit-cgj"), Api(server.url, "lead01")
    unit("PUT", "/kb/articles/cgj-1", json=ARTICLE)
    unit("DELETE", "/kb/articles/cgj-1")
    client = "feedback-client-2"
    missing = operator.feedback(client, 1, "no-such", "错了")
    deleted = operator.feedback(client, 2, "cgj-1", "错了")
    empty = operator.feedback(client, 3, "cgj-1", "   ")
    assert [a["status"] for a in (missing, deleted, empty)] == ["rejected"] * 3
    # Core sentences, sent in Chinese like every other rejection reason.
    assert missing["reason"] == "服务器上没有这条知识（no-such）。"
    assert deleted["reason"] == "服务器上没有这条知识（cgj-1）。"
    assert empty["reason"] == "纠错反馈须为 1 至 1000 个字的文字。"
    assert unit("GET", "/unit/kb-feedback").json() == []


def test_the_demo_kb_is_seeded_once(tmp_path):
    articles = [{"id": f"d-{n}", "title": f"演示{n}", "body": "正文",
                 "updated_at": "2024-05-01T00:00:00+08:00"} for n in range(3)]
    url = f"sqlite:///{tmp_path / 'central.db'}"
    for _start in range(2):
        embedded = start_embedded(url, seed_demo_users=True, demo_articles=articles)
        try:
            changes = Api(embedded.url, "op01").pull()["changes"]
        finally:
            embedded.stop()
        assert [c["id"] for c in changes] == ["d-0", "d-1", "d-2"]
        assert changes[0]["article"]["updated_at"].startswith("2024-04-30T16:00:00")


def test_migrations_build_exactly_the_server_models(tmp_path):
    engine = central_db.make_engine(f"sqlite:///{tmp_path / 'central.db'}")
    try:
        upgrade(engine)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()
