"""Units keep the KB current through the centre, on a real server on loopback (SQLite and
PostgreSQL): a unit drafts a new article or a change to its own, a lead publishes or
rejects it, operators pull the published article, and the monthly counts per unit say how
many were submitted and published."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests

from agent_app.core.calendar import CHINA_TZ
from central_api.app import API, DEMO_PASSWORD
from central_api.embedded import start_embedded
from central_api.kb_drafts import month_bounds

TIMEOUT = 10
OWN_UNIT = "市城市管理局"  # unit-cgj's unit
DRAFT = {"title": "占道经营投诉处理流程", "body": "由属地城管执法中队处理，限时5个工作日。",
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


def this_month() -> str:
    return datetime.now(UTC).astimezone(CHINA_TZ).strftime("%Y-%m")


def test_a_unit_draft_is_published_by_the_centre_and_operators_pull_it(server):
    unit, lead, operator = (Api(server.url, name) for name in ("unit-cgj", "lead01", "op01"))
    reply = unit("POST", "/unit/kb-drafts", json=DRAFT)
    assert reply.status_code == 201, reply.text
    draft = reply.json()
    assert draft["state"] == "submitted" and draft["unit"] == OWN_UNIT
    # Not published yet: operators do not see it.
    assert operator("GET", "/kb/articles").json()["changes"] == []
    assert operator("GET", "/kb/drafts").status_code == 403
    assert [d["id"] for d in lead("GET", "/kb/drafts").json()] == [draft["id"]]
    published = lead("POST", f"/kb/drafts/{draft['id']}/publish", json={})
    assert published.status_code == 200, published.text
    assert published.json()["state"] == "published"
    (change,) = operator("GET", "/kb/articles").json()["changes"]
    assert change["id"] == draft["article_id"] and change["article"]["unit"] == OWN_UNIT
    assert change["version"] == published.json()["published_version"]
    assert lead("GET", "/kb/drafts").json() == []
    # Decided once: a second decision is a conflict.
    assert lead("POST", f"/kb/drafts/{draft['id']}/reject",
                json={"note": "重复"}).status_code == 409


def test_a_change_to_an_own_article_replaces_it_and_another_units_is_refused(server):
    unit, admin = Api(server.url, "unit-cgj"), Api(server.url, "admin")
    admin("PUT", "/kb/articles/rs-1", json={**DRAFT, "unit": "市人社局"})
    assert unit("POST", "/unit/kb-drafts",
                json={**DRAFT, "article_id": "rs-1"}).status_code == 409
    assert unit("POST", "/unit/kb-drafts",
                json={**DRAFT, "unit": "市人社局"}).status_code == 422
    first = unit("POST", "/unit/kb-drafts", json={**DRAFT, "article_id": "cgj-7"}).json()
    admin("POST", f"/kb/drafts/{first['id']}/publish", json={})
    change = unit("POST", "/unit/kb-drafts",
                  json={**DRAFT, "article_id": "cgj-7", "body": "限时3个工作日。"}).json()
    admin("POST", f"/kb/drafts/{change['id']}/publish", json={"note": "已核实"})
    changes = Api(server.url, "op01")("GET", "/kb/articles").json()["changes"]
    latest = [c for c in changes if c["id"] == "cgj-7"]
    assert latest[-1]["article"]["body"] == "限时3个工作日。"


def test_a_rejection_needs_a_note_which_the_unit_reads(server):
    unit, lead = Api(server.url, "unit-cgj"), Api(server.url, "lead01")
    draft = unit("POST", "/unit/kb-drafts", json=DRAFT).json()
    assert lead("POST", f"/kb/drafts/{draft['id']}/reject", json={"note": "  "}).status_code \
        == 422
    assert lead("POST", f"/kb/drafts/{draft['id']}/reject",
                json={"note": "办理时限与公开承诺不一致"}).status_code == 200
    (mine,) = unit("GET", "/unit/kb-drafts").json()
    assert mine["state"] == "rejected" and mine["review_note"] == "办理时限与公开承诺不一致"
    assert lead("POST", "/kb/drafts/999999/publish", json={}).status_code == 404


def test_monthly_counts_per_unit_and_a_unit_sees_its_own_only(server):
    unit, lead, admin = (Api(server.url, name) for name in ("unit-cgj", "lead01", "admin"))
    admin("POST", "/users", json={"username": "unit-rs", "display_name": "市人社局",
                                  "role": "unit", "unit_code": "pds-rsj",
                                  "password": "a-long-password"})
    other = Api(server.url, "unit-rs", "a-long-password")
    drafts = [unit("POST", "/unit/kb-drafts", json=DRAFT).json() for _ in range(3)]
    other("POST", "/unit/kb-drafts", json=DRAFT)
    lead("POST", f"/kb/drafts/{drafts[0]['id']}/publish", json={})
    lead("POST", f"/kb/drafts/{drafts[1]['id']}/reject", json={"note": "不完整"})
    month = this_month()
    counts = lead("GET", "/kb/drafts/monthly", params={"month": month}).json()
    assert counts == {"month": month, "units": [
        {"unit": "市人社局", "submitted": 1, "published": 0},
        {"unit": OWN_UNIT, "submitted": 3, "published": 1}]}
    own = unit("GET", "/kb/drafts/monthly", params={"month": month}).json()["units"]
    assert own == [{"unit": OWN_UNIT, "submitted": 3, "published": 1}]
    assert lead("GET", "/kb/drafts/monthly", params={"month": "2026-13"}).status_code == 422
    assert Api(server.url, "op01")("GET", "/kb/drafts/monthly",
                                   params={"month": month}).status_code == 403


def test_months_are_counted_in_china_time():
    start, end = month_bounds("2026-12")
    assert start == datetime(2026, 11, 30, 16, tzinfo=UTC)
    assert end == datetime(2026, 12, 31, 16, tzinfo=UTC)
