"""KB articles reach the client's local index through sync, page by page with the cursor;
deletions and a changed server epoch are honoured; error reports go out through the outbox to
the owning unit. Real central API on loopback, real SQLite files."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from agent_app.search import KbSearcher
from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.storage.schema import OutboxRow
from agent_app.sync.client import CentralClient
from agent_app.sync.engine import KB_CURSOR_KEY, KB_EPOCH_KEY, SyncEngine
from central_api.embedded import start_embedded
from tests.clients import signed_in

ARTICLE = {"title": "占道经营投诉处理流程", "body": "由属地城管执法中队处理，限时5个工作日。",
           "category": "城市管理/市容秩序"}


@pytest.fixture
def server(tmp_path):
    embedded = start_embedded(f"sqlite:///{tmp_path / 'central.db'}", seed_demo_users=True)
    yield embedded
    embedded.stop()


@pytest.fixture
def unit(server) -> CentralClient:
    return signed_in(server.url, "unit-cgj")


@pytest.fixture
def engine(tmp_path, server):
    db = open_database(tmp_path / "agent.db")
    yield SyncEngine(db, signed_in(server.url, "op01"), page_size=2)
    db.close()


def local_article(engine: SyncEngine, article_id: str):
    return KbSearcher(engine.db).get(article_id)


def found_ids(engine: SyncEngine, text: str) -> list[str]:
    return [hit.id for hit in KbSearcher(engine.db).search(text, limit=10)]


def meta(engine: SyncEngine, key: str) -> str | None:
    with engine.db.unit_of_work() as uow:
        return uow.meta.get(key)


def test_articles_arrive_page_by_page_and_are_searchable(engine, unit):
    for n in range(5):
        unit.put(f"/kb/articles/cgj-{n}", {**ARTICLE, "title": f"{ARTICLE['title']}{n}"})
    phases: list[tuple[str, int]] = []
    report = engine.sync_once(progress=lambda p: phases.append((p.phase, p.done)))
    assert report.kb_pulled == 5
    assert [done for phase, done in phases if phase == "kb"] == [2, 4, 5]
    article = local_article(engine, "cgj-3")
    assert article is not None and article.title == "占道经营投诉处理流程3"
    assert article.unit == "市城市管理局" and article.updated_at is not None
    assert "cgj-3" in found_ids(engine, "占道经营")
    cursor = int(meta(engine, KB_CURSOR_KEY) or 0)
    assert cursor == unit.pull_kb(0, limit=100, epoch=None)["cursor"]
    assert engine.sync_once().kb_pulled == 0  # nothing new: the cursor is kept


def test_edits_and_deletions_replace_and_remove_local_articles(engine, unit):
    unit.put("/kb/articles/cgj-1", ARTICLE)
    unit.put("/kb/articles/cgj-2", {**ARTICLE, "title": "户外广告设置审批"})
    engine.sync_once()
    unit.put("/kb/articles/cgj-1", {**ARTICLE, "title": "夜市摊点管理规定"})
    unit.delete("/kb/articles/cgj-2")
    report = engine.sync_once()
    assert report.kb_pulled == 2
    assert local_article(engine, "cgj-1").title == "夜市摊点管理规定"
    assert local_article(engine, "cgj-2") is None
    assert "cgj-2" not in found_ids(engine, "户外广告")
    assert "cgj-1" in found_ids(engine, "夜市")


def test_a_server_restored_elsewhere_replaces_the_local_kb(tmp_path, engine, unit):
    unit.put("/kb/articles/old-1", ARTICLE)
    engine.sync_once()
    old_epoch = meta(engine, KB_EPOCH_KEY)
    other = start_embedded(f"sqlite:///{tmp_path / 'other.db'}", seed_demo_users=True)
    try:
        signed_in(other.url, "unit-cgj").put("/kb/articles/new-1",
                                             {**ARTICLE, "title": "共享单车乱停放"})
        engine.client = signed_in(other.url, "op01")
        ops.report_kb_error(engine.db, "new-1", "单车投诉电话已更换")  # unsent work survives
        report = engine.sync_once()
        assert report.kb_resynced and report.pushed == 1
        assert local_article(engine, "old-1") is None
        assert local_article(engine, "new-1") is not None
        assert meta(engine, KB_EPOCH_KEY) not in (old_epoch, "")
        feedback = signed_in(other.url, "unit-cgj").get("/unit/kb-feedback")
        assert [f["text"] for f in feedback] == ["单车投诉电话已更换"]
    finally:
        other.stop()


def test_an_error_report_is_one_outbox_mutation_that_reaches_the_owning_unit(engine, unit):
    unit.put("/kb/articles/cgj-1", ARTICLE)
    engine.sync_once()
    mutation_id = ops.report_kb_error(engine.db, "cgj-1", "  执法中队电话已变更  ")
    with engine.db.unit_of_work() as uow:
        row = uow.session.scalar(select(OutboxRow).where(OutboxRow.mutation_id == mutation_id))
        assert row is not None and row.op == "kb.feedback" and row.entity_id == "cgj-1"
        assert json.loads(row.args) == {"article_id": "cgj-1", "text": "执法中队电话已变更"}
    report = engine.sync_once()
    assert report.pushed == 1 and not report.rejected
    assert ops.load_overview(engine.db, row.created_at).unsent == 0
    (feedback,) = unit.get("/unit/kb-feedback")
    assert (feedback["article_id"], feedback["text"], feedback["reporter"]) == (
        "cgj-1", "执法中队电话已变更", "op01")


def test_a_report_on_an_article_withdrawn_meanwhile_is_refused_with_the_reason(engine, unit):
    unit.put("/kb/articles/cgj-1", ARTICLE)
    engine.sync_once()
    ops.report_kb_error(engine.db, "cgj-1", "内容有误")
    unit.delete("/kb/articles/cgj-1")
    report = engine.sync_once()
    assert [reason for _id, reason in report.rejected] == ["服务器上没有这条知识（cgj-1）。"]
    assert local_article(engine, "cgj-1") is None
    assert unit.get("/unit/kb-feedback") == []


@pytest.mark.parametrize("text", ["", "   ", "长" * 1001])
def test_an_empty_or_oversized_report_writes_nothing(engine, text):
    with pytest.raises(ValueError):
        ops.report_kb_error(engine.db, "cgj-1", text)
    with engine.db.unit_of_work() as uow:
        assert uow.outbox.pending_count() == 0
