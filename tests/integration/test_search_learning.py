"""Learning from operators on a real SQLite file: a kept (query, article) pair lifts that
article for a similar query, not for an unrelated one; it fades with age; a lead's veto
takes it away; pairs pulled from the server are kept once, and this seat's own pair coming
back is not kept twice. And the bridging of callers' words: a spoken question finds the
article through the colloquial lexicon and the body."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from agent_app.search import KbSearcher
from agent_app.search.learning import (
    HORIZON_DAYS,
    record_kb_usage,
    store_shared_usage,
    usage_cursor,
    veto_kb_usage,
)
from agent_app.storage.database import open_database
from agent_app.storage.ops import import_kb_articles
from agent_app.storage.schema import KbUsageRow, KbUsageVetoRow

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ARTICLES = [
    {"id": "kd-1", "title": "快递丢失损坏申诉", "body": "快递丢失或损坏，可向邮政管理部门申诉。"},
    {"id": "kd-2", "title": "快递不送货上门投诉", "body": "快递员未经同意放驿站，可投诉。"},
    {"id": "zs-1", "title": "社会生活噪声扰民", "body": "楼上住户夜间噪声，可报警或找物业。"},
    {"id": "zf-1", "title": "房屋租赁合同备案", "body": "出租人不退还押金的，可申请调解。"},
    {"id": "gn-1", "title": "暖气不热报修", "body": "室温不达标可报修。"},
]


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "agent.db")
    import_kb_articles(database, [{**a, "updated_at": "2026-01-01T00:00:00+08:00"}
                                  for a in ARTICLES])
    yield database
    database.close()


def ranked(searcher: KbSearcher, query: str) -> list[str]:
    return [hit.id for hit in searcher.search(query)]


def test_spoken_questions_reach_the_article_through_the_lexicon_and_the_body(db):
    searcher = KbSearcher(db)
    assert ranked(searcher, "喂你好，楼上天天半夜蹦迪怎么办啊")[0] == "zs-1"
    # 押金 is only in the body; 房东 is the lexicon's 出租人.
    assert ranked(searcher, "我想问一下房东不退押金咋整")[0] == "zf-1"


def test_an_answer_given_after_a_query_lifts_that_article_for_similar_queries(db):
    clock = Clock()
    searcher = KbSearcher(db, clock=clock)
    before = ranked(searcher, "快递一直没送到家")
    assert before[0] == "kd-1"
    # Two operators gave kd-2 as the answer after nearly the same words.
    assert record_kb_usage(db, "快递一直没送到", "kd-2", "answer", now=NOW)
    assert record_kb_usage(db, "快递一直没有送到家", "kd-2", "answer", now=NOW)
    hits = searcher.search("那个快递一直没送到家")
    assert hits[0].id == "kd-2" and hits[0].learned
    assert not any(hit.learned for hit in hits[1:])
    # An unrelated query is not touched.
    assert ranked(searcher, "暖气不热怎么办") == ranked(KbSearcher(db), "暖气不热怎么办")


def test_a_query_of_fillers_only_teaches_nothing(db):
    assert not record_kb_usage(db, "喂，你好，请问一下", "kd-2", "open", now=NOW)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(KbUsageRow)) == 0


def test_the_lift_fades_with_age_and_is_gone_past_the_horizon(db):
    clock = Clock()
    searcher = KbSearcher(db, clock=clock)
    record_kb_usage(db, "快递一直没送到", "kd-2", "open", now=NOW)
    fresh = next(h.score for h in searcher.search("快递一直没送到") if h.id == "kd-2")
    clock.now = NOW + timedelta(days=60)
    older = next(h.score for h in searcher.search("快递一直没送到") if h.id == "kd-2")
    assert older < fresh
    clock.now = NOW + timedelta(days=HORIZON_DAYS + 1)
    assert not any(h.learned for h in searcher.search("快递一直没送到"))


def test_a_leads_veto_takes_the_lift_away(db):
    searcher = KbSearcher(db, clock=Clock())
    for _ in range(3):
        record_kb_usage(db, "快递一直没送到", "kd-2", "answer", now=NOW)
    assert searcher.search("快递一直没送到")[0].id == "kd-2"
    veto_kb_usage(db, "kd-2", "快递一直没送到", now=NOW)
    hits = searcher.search("快递一直没送到")
    assert hits[0].id == "kd-1" and not any(h.learned for h in hits)


def test_pairs_from_the_server_are_kept_once_and_own_pairs_not_twice(db):
    searcher = KbSearcher(db, clock=Clock())
    record_kb_usage(db, "快递一直没送到", "kd-2", "answer", now=NOW)
    page = [
        {"id": 7, "version": 70, "query": "快递一直没送到", "article_id": "kd-2",
         "action": "answer", "at": NOW.isoformat(), "mine": True},
        {"id": 8, "version": 71, "query": "快递没送到怎么办", "article_id": "kd-2",
         "action": "open", "at": NOW.isoformat(), "mine": False},
        {"id": 9, "version": 72, "query": None, "article_id": "gn-1", "action": "veto",
         "at": NOW.isoformat(), "mine": False},
    ]
    assert store_shared_usage(db, page, cursor=72) == 2
    assert store_shared_usage(db, page, cursor=72) == 0  # the same page again
    assert usage_cursor(db) == 72
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(KbUsageRow)) == 2
        assert session.scalar(select(KbUsageVetoRow.query_key)) is None
        own = session.scalar(select(KbUsageRow).where(KbUsageRow.server_id == 7))
        assert own is not None and own.query == "快递一直没送到"
    hits = searcher.search("快递一直没送到")
    assert hits[0].id == "kd-2" and hits[0].learned
