"""The KB panel driven by the keyboard, offscreen, over a real SQLite file and the real index."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from agent_app.search import KbHit, apply_article_changes
from agent_app.search.learning import record_kb_usage
from agent_app.storage.schema import KbUsageRow, OutboxRow
from agent_app.tasks import Topic
from agent_app.ui.kb.model import HIT_ROLE, META_ROLE, STALE_ROLE, KbResultsModel, learned_label
from agent_app.ui.kb.panel import KbPanel

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ARTICLES = [
    {"id": "gjj-1", "title": "住房公积金租房提取怎么办理",
     "body": "连续足额缴存满3个月可申请租房提取，每年一次。", "category": "政务服务/住房公积金",
     "unit": "市住房公积金管理中心", "updated_at": "2026-03-15T00:00:00+08:00"},
    {"id": "sb-1", "title": "社保卡丢失如何补办",
     "body": "携带身份证到社保卡服务网点办理挂失补办。", "category": "人力社保/社会保障卡",
     "unit": "市人社局", "updated_at": "2022-01-10T00:00:00+08:00"},
    {"id": "html-1", "title": "<b>粗体</b>标题的停水通知",
     "body": "<script>alert('停水')</script><i>斜体</i>&amp; 正文", "category": None,
     "unit": "市自来水公司", "updated_at": None},
]


def seed(db, articles, deleted=()):
    with db.unit_of_work() as uow:
        apply_article_changes(uow.session, articles, list(deleted))
        uow.commit()


def type_chinese(widget: QWidget, text: str) -> None:
    """How an IME delivers text: a preedit, then one commit string."""
    widget.setFocus()
    QApplication.sendEvent(widget, QInputMethodEvent("pinyin", []))
    commit = QInputMethodEvent()
    commit.setCommitString(text)
    QApplication.sendEvent(widget, commit)


def result_ids(panel: KbPanel) -> list[str]:
    return [panel.model.hit(row).id for row in range(panel.model.rowCount())]


@pytest.fixture
def panel(qtbot, tasks, db):
    seed(db, ARTICLES)
    made = KbPanel(tasks, stale_after_days=365, now=lambda: NOW)
    qtbot.addWidget(made)
    made.resize(420, 700)
    made.show()
    return made


def search(qtbot, panel: KbPanel, text: str, expected_id: str) -> None:
    type_chinese(panel.search_box, text)
    qtbot.waitUntil(lambda: expected_id in result_ids(panel), timeout=5000)


def outbox(db) -> list[OutboxRow]:
    """Error reports waiting to go; opening an article also queues a `kb.usage` pair (what
    the KB search learns from), which these tests are not about."""
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(OutboxRow).where(OutboxRow.op != "kb.usage")))


def test_the_results_model_passes_the_model_tester(qapp):
    model = KbResultsModel(timedelta(days=365), lambda: NOW)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    hits = [KbHit(id=f"a-{n}", title=f"标题{n}", score=1.0 / (n + 1), snippet="片段",
                  highlights=((0, 1),), unit="市人社局", category=None,
                  updated_at=NOW - timedelta(days=400 * n)) for n in range(3)]
    model.set_hits(hits)
    assert model.rowCount() == 3 and model.index(1).data() == "标题1"
    assert model.index(0).data(HIT_ROLE) is hits[0]
    assert [model.index(n).data(STALE_ROLE) for n in range(3)] == [False, True, True]
    model.set_hits([])
    assert model.rowCount() == 0


def test_typing_searches_after_a_pause_and_shows_the_facts(qtbot, panel):
    search(qtbot, panel, "公积金", "gjj-1")
    assert str(panel.model.rowCount()) in panel.heading.text()
    row = result_ids(panel).index("gjj-1")
    facts = panel.model.index(row).data(Qt.ItemDataRole.ToolTipRole)
    assert "市住房公积金管理中心" in facts and "政务服务/住房公积金" in facts
    assert "2026-03-1" in facts  # the local date of 2026-03-15 +08:00


def test_ascii_typed_with_keys_finds_articles(qtbot, panel):
    panel.search_box.setFocus()
    QTest.keyClicks(panel.search_box, "gjj")
    qtbot.waitUntil(lambda: "gjj-1" in result_ids(panel), timeout=5000)


def test_keyboard_from_search_to_reader_to_answer(qtbot, panel):
    search(qtbot, panel, "社保卡", "sb-1")
    QTest.keyClick(panel.search_box, Qt.Key.Key_Down)
    assert panel.results.hasFocus() and panel.results.currentIndex().row() == 0
    row = result_ids(panel).index("sb-1")
    for _ in range(row):
        QTest.keyClick(panel.results, Qt.Key.Key_Down)
    QTest.keyClick(panel.results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.reader.article is not None, timeout=5000)
    assert panel.reader.title.text() == "社保卡丢失如何补办"
    assert panel.reader.body.toPlainText() == ARTICLES[1]["body"]
    assert panel.reader.stale_warning.isVisible()  # updated in 2022, older than a year
    with qtbot.waitSignal(panel.answer_chosen, timeout=5000) as chosen:
        QTest.keyClick(panel.reader.body, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert chosen.args == ["sb-1", ARTICLES[1]["body"]]


def test_up_from_the_first_result_returns_to_the_search(qtbot, panel):
    search(qtbot, panel, "公积金", "gjj-1")
    QTest.keyClick(panel.search_box, Qt.Key.Key_Down)
    QTest.keyClick(panel.results, Qt.Key.Key_Up)
    assert panel.search_box.hasFocus()


def test_the_answer_key_on_a_selected_result_loads_it_and_answers(qtbot, panel):
    search(qtbot, panel, "公积金", "gjj-1")
    QTest.keyClick(panel.search_box, Qt.Key.Key_Down)
    with qtbot.waitSignal(panel.answer_chosen, timeout=5000) as chosen:
        QTest.keyClick(panel.results, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert chosen.args[0] == panel.model.hit(0).id


def test_a_late_answer_to_an_older_search_is_dropped(qtbot, panel):
    shown: list[list[str]] = []
    panel.model.modelReset.connect(lambda: shown.append(result_ids(panel)))
    panel.search_box.setText("公积金")
    panel.search_now()
    panel.search_box.setText("社保卡")
    panel.search_now()  # both run on the DB worker, in order; the first answer is stale
    qtbot.waitUntil(lambda: "sb-1" in result_ids(panel), timeout=5000)
    qtbot.wait(200)
    assert len(shown) == 1 and "gjj-1" not in shown[0]


def test_the_call_content_proposes_articles_unless_the_operator_searches(qtbot, panel):
    panel.propose_from_text("来电人说想问一下\n住房公积金租房提取需要什么材料")
    qtbot.waitUntil(lambda: "gjj-1" in result_ids(panel), timeout=5000)
    assert panel.heading.text() == panel.tr("Suggested for what the caller says")
    search(qtbot, panel, "社保卡", "sb-1")
    panel.propose_from_text("住房公积金")
    qtbot.wait(400)
    assert "sb-1" in result_ids(panel)  # what the operator typed wins


def test_the_callers_own_number_proposes_no_article_about_phone_numbers(qtbot, panel, db):
    seed(db, [{"id": "tel-1", "title": "查询市直单位联系电话", "body": "常用服务电话号码一览。",
               "category": None, "unit": "市政务服务中心", "updated_at": None}])
    panel.propose_from_text("市直单位的电话是多少")
    qtbot.waitUntil(lambda: result_ids(panel) == ["tel-1"], timeout=5000)
    panel.propose_from_text("我电话 0375-2345678")  # only the caller's number, so far
    qtbot.waitUntil(lambda: result_ids(panel) == [], timeout=5000)


def test_article_text_with_markup_is_shown_literally(qtbot, panel):
    search(qtbot, panel, "停水", "html-1")
    panel.results.setCurrentIndex(panel.model.index(result_ids(panel).index("html-1")))
    panel.open_current()
    qtbot.waitUntil(lambda: panel.reader.article is not None, timeout=5000)
    assert panel.reader.title.text() == "<b>粗体</b>标题的停水通知"
    assert panel.reader.title.textFormat() == Qt.TextFormat.PlainText
    assert panel.reader.body.toPlainText() == ARTICLES[2]["body"]
    assert "date unknown" in panel.reader.facts.text()
    assert not panel.reader.stale_warning.isVisible()
    panel.results.viewport().grab()  # the delegate paints the literal title and snippet


def test_an_error_report_becomes_one_outbox_mutation(qtbot, panel, db):
    search(qtbot, panel, "公积金", "gjj-1")
    panel.results.setCurrentIndex(panel.model.index(result_ids(panel).index("gjj-1")))
    panel.open_current()
    qtbot.waitUntil(lambda: panel.reader.article is not None, timeout=5000)
    QTest.mouseClick(panel.reader.feedback_button, Qt.MouseButton.LeftButton)
    assert panel.reader.feedback_text.hasFocus()
    QTest.mouseClick(panel.reader.send_button, Qt.MouseButton.LeftButton)
    assert panel.reader.feedback_error.isVisible() and outbox(db) == []
    type_chinese(panel.reader.feedback_text, "咨询电话已改为0375-1234567")
    with qtbot.waitSignal(panel._tasks.changes, timeout=5000,
                          check_params_cb=lambda c: c.touches(Topic.OUTBOX)):
        QTest.mouseClick(panel.reader.send_button, Qt.MouseButton.LeftButton)
    # Opening the article queued its usage pair, an outbox change of its own, which may be
    # the one announced first: the report is looked for until it is there.
    qtbot.waitUntil(lambda: len(outbox(db)) == 1, timeout=5000)
    (row,) = outbox(db)
    assert row.op == "kb.feedback" and row.entity_id == "gjj-1"
    assert json.loads(row.args) == {"article_id": "gjj-1", "text": "咨询电话已改为0375-1234567"}
    # The row is committed on the DB worker before its result reaches the GUI thread.
    qtbot.waitUntil(lambda: not panel.reader.feedback_box.isVisible(), timeout=5000)
    assert "市住房公积金管理中心" in panel.reader.status.text()


def test_synced_changes_refresh_results_and_the_open_article(qtbot, panel, db, tasks):
    search(qtbot, panel, "公积金", "gjj-1")
    panel.results.setCurrentIndex(panel.model.index(result_ids(panel).index("gjj-1")))
    panel.open_current()
    qtbot.waitUntil(lambda: panel.reader.article is not None, timeout=5000)
    seed(db, [{**ARTICLES[0], "id": "gjj-2", "title": "公积金贷款条件"}], deleted=["gjj-1"])
    tasks.notify(Topic.KB)
    qtbot.waitUntil(lambda: result_ids(panel) == ["gjj-2"], timeout=5000)
    qtbot.waitUntil(lambda: panel.reader.article is None, timeout=5000)
    assert panel.reader.status.text()


def db_worker_idle(tasks) -> None:
    """The DB worker runs jobs in order: once a job queued now is done, so is any job the
    panel queued before it."""
    tasks.run_db(lambda _db: None).result(timeout=5)


def usage(db) -> list[tuple[str, str, str]]:
    with db.session() as session:
        return [(row.query, row.article_id, row.action) for row in session.scalars(
            select(KbUsageRow).order_by(KbUsageRow.id))]


def test_opening_and_answering_are_kept_with_the_query_and_lift_the_article(qtbot, panel, db,
                                                                            tasks):
    search(qtbot, panel, "社保卡丢了咋整", "sb-1")
    row = result_ids(panel).index("sb-1")
    QTest.keyClick(panel.search_box, Qt.Key.Key_Down)
    for _ in range(row):
        QTest.keyClick(panel.results, Qt.Key.Key_Down)
    QTest.keyClick(panel.results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: usage(db) == [("社保卡丢了咋整", "sb-1", "open")], timeout=5000)
    with qtbot.waitSignal(panel.answer_chosen, timeout=5000):
        QTest.keyClick(panel.reader.body, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(usage(db)) == 2, timeout=5000)
    assert usage(db)[1] == ("社保卡丢了咋整", "sb-1", "answer")
    # A refresh after a sync shows the article again: that is not another use.
    shown = panel.reader.article
    tasks.notify(Topic.KB)
    qtbot.waitUntil(lambda: panel.reader.article is not shown, timeout=5000)
    db_worker_idle(tasks)
    assert len(usage(db)) == 2
    # The next search of similar words marks the lifted hit in its facts line.
    panel.search_box.clear()
    search(qtbot, panel, "社保卡丢了", "sb-1")
    hit = panel.model.hit(result_ids(panel).index("sb-1"))
    assert hit.learned
    facts = panel.model.index(result_ids(panel).index("sb-1")).data(META_ROLE)
    assert learned_label() in facts


def test_nothing_is_kept_for_an_article_opened_without_a_query(qtbot, panel, db, tasks):
    panel._open("sb-1")  # nothing searched yet
    qtbot.waitUntil(lambda: panel.reader.article is not None, timeout=5000)
    db_worker_idle(tasks)
    assert usage(db) == []


def test_a_lead_stops_learning_lifting_an_article_and_an_operator_cannot(qtbot, tasks, db):
    seed(db, ARTICLES)
    for _ in range(3):
        record_kb_usage(db, "卡丢了怎么办", "sb-1", "answer")
    operator = KbPanel(tasks, stale_after_days=365, now=lambda: NOW)
    lead = KbPanel(tasks, stale_after_days=365, now=lambda: NOW, can_veto=True)
    for made in (operator, lead):
        qtbot.addWidget(made)
        made.show()
        search(qtbot, made, "卡丢了怎么办", "sb-1")
        made.results.setFocus()
        made.results.setCurrentIndex(made.model.index(result_ids(made).index("sb-1")))
        assert made.model.hit(result_ids(made).index("sb-1")).learned
    assert not operator.veto_button.isVisible()
    assert lead.veto_button.isVisible()
    lead.veto_button.click()
    qtbot.waitUntil(lambda: not any(lead.model.hit(n).learned
                                    for n in range(lead.model.rowCount())), timeout=5000)
    assert lead.heading.text() == "This article is no longer lifted for this question."
    assert not lead.veto_button.isVisible()


def test_the_searcher_is_built_on_the_db_worker_once_the_panel_is_painted(
        qtbot, tasks, db, monkeypatch):
    """Its lexicons take the interpreter for 0.3–0.5 s: not on the GUI thread, not before
    the window's first paint."""
    import threading

    from agent_app.ui.kb import panel as panel_module

    built_on: list[str] = []
    real = panel_module.KbSearcher

    def recording_searcher(database):
        built_on.append(threading.current_thread().name)
        return real(database)

    monkeypatch.setattr(panel_module, "KbSearcher", recording_searcher)
    seed(db, ARTICLES)
    made = KbPanel(tasks, stale_after_days=365, now=lambda: NOW)
    qtbot.addWidget(made)
    qtbot.wait(50)
    assert built_on == []  # built, not shown: nothing yet
    made.resize(420, 700)
    made.show()
    qtbot.waitUntil(lambda: built_on != [], timeout=5000)
    search(qtbot, made, "公积金", "gjj-1")
    assert len(built_on) == 1 and built_on[0].startswith("db-worker")
