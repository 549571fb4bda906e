"""The intake form driven by the keyboard, offscreen, over a real SQLite file."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from agent_app.core.enums import TicketStatus
from agent_app.core.models import CategoryPath
from agent_app.storage import ops
from agent_app.storage.schema import OutboxRow
from agent_app.ui.intake.screen import IntakeScreen
from tests.factories import dispatched, make_ticket


@pytest.fixture
def screen(qtbot, tasks):
    made = IntakeScreen(tasks, actor="op01")
    qtbot.addWidget(made)
    made.resize(1200, 800)
    made.show()
    qtbot.waitUntil(lambda: made.form.category._index is not None, timeout=10_000)
    return made


def type_chinese(widget: QWidget, text: str) -> None:
    """How an IME delivers text: a preedit, then one commit string."""
    widget.setFocus()
    preedit = QInputMethodEvent("pinyin", [])
    QApplication.sendEvent(widget, preedit)
    commit = QInputMethodEvent()
    commit.setCommitString(text)
    QApplication.sendEvent(widget, commit)


def press(widget: QWidget, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(widget, key, modifier)


def choose_combo(combo, text: str) -> None:
    combo.setFocus()
    combo.setCurrentIndex(combo.findText(text))


def fill_dispatchable(screen: IntakeScreen) -> None:
    form = screen.form
    form.caller_phone.setFocus()
    QTest.keyClicks(form.caller_phone, "13800138000")
    type_chinese(form.caller_name, "王女士")
    choose_combo(form.appeal_type, form.appeal_type.itemText(2))  # 投诉 / complaint
    form.category.setFocus()
    QTest.keyClicks(form.category.edit, "zyrm")
    press(form.category.edit, Qt.Key.Key_Down)
    press(form.category.list, Qt.Key.Key_Return)
    form.location.district.setCurrentIndex(form.location.district.findData("新华区"))
    form.location.street.setCurrentIndex(form.location.street.findData("西高皇街道"))
    form.location.community.setCurrentIndex(form.location.community.findData("春华社区"))
    type_chinese(form.address, "春华小区3号楼")
    type_chinese(form.content, "楼下烧烤店每晚营业到凌晨两点，噪音很大影响休息。")
    type_chinese(form.demand, "请相关部门管理")


def outbox_rows(db) -> list[OutboxRow]:
    with db.unit_of_work() as uow:
        return list(uow.session.query(OutboxRow).all())


def test_a_call_typed_with_the_keyboard_is_dispatched_and_queued_for_sync(qtbot, screen, db):
    fill_dispatchable(screen)
    form = screen.form
    assert form.category.value() == ("城市管理", "噪音扰民")
    # Noise is handled by the place: the street office is suggested and preselected.
    assert form.unit.currentData() == "新华区西高皇街道办事处"
    assert form.deadline_label.text()
    press(form.demand, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    # The call's facts, then the dispatch as a command the server replays.
    qtbot.waitUntil(lambda: len(outbox_rows(db)) == 2, timeout=5000)

    row, dispatch = outbox_rows(db)
    assert row.op == "ticket.create" and dispatch.op == "ticket.action"
    assert json.loads(dispatch.args)["kind"] == "dispatch"
    with db.unit_of_work() as uow:
        ticket = uow.tickets.get(row.entity_id)
    assert ticket is not None
    assert ticket.status is TicketStatus.DISPATCHED
    assert ticket.caller.name == "王女士" and ticket.caller.phone == "13800138000"
    assert ticket.content.startswith("楼下烧烤店")
    assert ticket.unit == "新华区西高皇街道办事处"
    assert json.loads(row.args)["id"] == ticket.id
    # Ready for the next call: empty, focus on the phone.
    assert form.state().is_blank()
    assert form.caller_phone.hasFocus()


def test_submit_refuses_an_incomplete_form_next_to_the_field_and_moves_focus(qtbot, screen, db):
    form = screen.form
    QTest.keyClicks(form.caller_phone, "12345")
    press(form.caller_phone, Qt.Key.Key_F10)
    assert form.errors["caller_phone"].isVisible()
    assert form.errors["content"].isVisible()
    assert form.errors["category"].isVisible()
    assert form.caller_phone.hasFocus()
    qtbot.wait(200)
    assert outbox_rows(db) == []


def test_a_consultation_answered_on_the_call_is_closed(qtbot, screen, db):
    form = screen.form
    QTest.keyClicks(form.caller_phone, "0375-2345678")
    type_chinese(form.caller_name, "刘先生")
    form.category.setFocus()
    QTest.keyClicks(form.category.edit, "gjj")
    press(form.category.edit, Qt.Key.Key_Return)
    type_chinese(form.content, "咨询租房提取公积金需要什么材料")
    type_chinese(form.demand, "了解办理流程")
    type_chinese(form.answer, "本人身份证和银行卡，可在公积金APP线上办理。")
    assert form.outcome().value == "answer"  # a consultation defaults to answering
    press(form.answer, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: len(outbox_rows(db)) == 2, timeout=5000)  # facts + answer
    with db.unit_of_work() as uow:
        ticket = uow.tickets.get(outbox_rows(db)[0].entity_id)
    assert ticket.status is TicketStatus.ANSWERED
    assert ticket.answer.startswith("本人身份证")


def test_an_unfinished_form_survives_the_widget_and_is_offered_back(qtbot, tasks, db):
    first = IntakeScreen(tasks, actor="op01")
    qtbot.addWidget(first)
    QTest.keyClicks(first.form.caller_phone, "13912345678")
    type_chinese(first.form.content, "小区路灯坏了一个月")
    qtbot.waitUntil(lambda: ops.latest_draft(db, "intake") is not None, timeout=5000)
    first.close()
    first.deleteLater()

    second = IntakeScreen(tasks, actor="op01")
    qtbot.addWidget(second)
    second.show()
    qtbot.waitUntil(lambda: second.restore_box.isVisible(), timeout=5000)
    second.restore_draft()
    assert second.form.caller_phone.text() == "13912345678"
    assert second.form.content.text() == "小区路灯坏了一个月"


def test_submitting_removes_the_draft(qtbot, screen, db):
    fill_dispatchable(screen)
    qtbot.waitUntil(lambda: ops.latest_draft(db, "intake") is not None, timeout=5000)
    screen.submit(screen.form.outcome())
    qtbot.waitUntil(lambda: len(outbox_rows(db)) == 2, timeout=5000)
    qtbot.waitUntil(lambda: ops.latest_draft(db, "intake") is None, timeout=5000)


def test_over_long_text_is_refused_with_the_count(screen):
    content = screen.form.content
    content.set_text("甲" * 1995)
    content.moveCursor(content.textCursor().MoveOperation.End)
    type_chinese(content, "乙" * 10)
    assert len(content.text()) == 1995
    assert "2005" in screen.form.errors["content"].text()
    assert content.counter.text() == "1995/2000"


def test_pasted_rich_text_arrives_as_plain_text(screen):
    content = screen.form.content
    mime = QMimeData()
    mime.setHtml("<b>加粗</b><img src=x>")
    mime.setText("加粗")
    content.insertFromMimeData(mime)
    assert content.text() == "加粗"
    assert "<" not in content.text()


def seed_open_noise_ticket(screen: IntakeScreen, db) -> None:
    earlier = make_ticket("T-EARLIER", phone="13800138000")
    earlier.category = CategoryPath("城市管理", "噪音扰民")
    earlier.created_at = screen._now() - timedelta(days=3)
    ops.register_ticket(db, dispatched(earlier, "新华区西高皇街道办事处"))


def test_a_repeat_appeal_is_offered_with_the_callers_history(qtbot, screen, db):
    QAbstractItemModelTester(screen.history.model,
                             QAbstractItemModelTester.FailureReportingMode.Fatal, screen)
    seed_open_noise_ticket(screen, db)
    fill_dispatchable(screen)
    qtbot.waitUntil(lambda: screen.history.repeat_box.isVisible(), timeout=5000)
    assert screen.history.repeat is not None and screen.history.repeat.id == "T-EARLIER"
    assert screen.history.model.rowCount() == 1


def test_escape_clears_only_after_confirmation(qtbot, screen, monkeypatch):
    QTest.keyClicks(screen.form.caller_phone, "13800138000")
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    press(screen.form.caller_phone, Qt.Key.Key_Escape)
    assert screen.form.caller_phone.text() == "13800138000"
    press(screen.form.caller_phone, Qt.Key.Key_Escape)
    assert screen.form.state().is_blank()


def test_screen_pop_keeps_the_form_being_typed_as_a_draft(qtbot, screen, db):
    type_chinese(screen.form.content, "第一通电话的内容")
    screen.start_call("13700001111")
    assert screen.form.caller_phone.text() == "13700001111"
    assert screen.form.content.text() == ""
    qtbot.waitUntil(lambda: ops.latest_draft(db, "intake") is not None, timeout=5000)
    assert ops.latest_draft(db, "intake")[1]["content"] == "第一通电话的内容"


def test_merging_a_repeat_call_registers_it_and_notes_the_open_ticket(qtbot, screen, db,
                                                                     monkeypatch):
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)  # 并单 asks first
    seed_open_noise_ticket(screen, db)
    fill_dispatchable(screen)
    qtbot.waitUntil(lambda: screen.history.repeat_box.isVisible(), timeout=5000)
    screen.history.merge_button.click()
    # The earlier ticket (facts, dispatch), the merged call (facts, merge), the note.
    qtbot.waitUntil(lambda: len(outbox_rows(db)) == 5, timeout=5000)
    assert [r.op for r in outbox_rows(db)] == ["ticket.create", "ticket.action", "ticket.create",
                                               "ticket.action", "ticket.action"]
    with db.unit_of_work() as uow:
        target = uow.tickets.get("T-EARLIER")
        merged = uow.tickets.get(outbox_rows(db)[2].entity_id)
    assert merged.status is TicketStatus.MERGED
    assert target.events[-1].data["merged_from"] == merged.id
    assert screen.form.state().is_blank()
    qtbot.waitUntil(lambda: "T-EARLIER" in screen.status.text(), timeout=5000)


def test_the_kb_panel_proposes_from_the_content_and_its_answer_fills_the_form(qtbot, tasks, db):
    from agent_app.storage.ops import import_kb_articles
    from agent_app.ui.kb.panel import KbPanel

    import_kb_articles(db, [{"id": "kb-1", "title": "住房公积金租房提取怎么办理",
                             "body": "本人身份证和银行卡，可在公积金APP线上办理租房提取。",
                             "category": "住房公积金", "unit": "市住房公积金管理中心"}])
    panel = KbPanel(tasks)
    screen = IntakeScreen(tasks, actor="op01", kb_panel=panel)
    qtbot.addWidget(screen)
    screen.show()
    proposals: list[str] = []
    original = panel.propose_from_text
    panel.propose_from_text = lambda text: (proposals.append(text), original(text))
    type_chinese(screen.form.content, "咨询公积金租房提取")
    qtbot.waitUntil(lambda: proposals == ["咨询公积金租房提取"], timeout=5000)

    panel.answer_chosen.emit("kb-1", "本人身份证和银行卡，可在公积金APP线上办理租房提取。")
    assert screen.form.outcome().value == "answer"
    assert screen.form.answer.text().startswith("本人身份证")
    assert screen.form.focusWidget() is screen.form.answer
    help_keys = [keys for keys, _ in screen.shortcut_help()]
    assert "F6" in help_keys and "Ctrl+I" in help_keys
