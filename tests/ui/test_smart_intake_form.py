"""Smart-intake proposals in the intake form, accepted by keyboard (issue 22), offscreen over
a real SQLite file."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QMessageBox

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import TicketStatus
from agent_app.core.models import Caller, CategoryPath, LocationPath
from agent_app.core.smart_intake.same_matter import RecentTicket, RecentTickets
from agent_app.storage import ops
from agent_app.storage.repositories import ticket_payload
from agent_app.ui.intake.proposals import HotspotAlert, RiskAlert
from agent_app.ui.intake.screen import IntakeScreen
from tests.factories import make_ticket
from tests.ui.test_intake import type_chinese

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=CHINA_TZ)
PLACE = LocationPath("新华区", "西高皇街道", "中央花园社区")
WATER = CategoryPath("公共服务", "供水")
WATER_TEXT = "我住中央花园小区，从早上开始停水了，也没有通知，电话138-0375-1234"


@pytest.fixture
def screen(qtbot, tasks):
    made = IntakeScreen(tasks, actor="op01", now=lambda: NOW)
    qtbot.addWidget(made)
    made.resize(1200, 800)
    made.show()
    qtbot.waitUntil(lambda: made.smart.engine is not None and made.smart._recent_loaded,
                    timeout=15_000)
    return made


def alt(widget, key: Qt.Key) -> None:
    QTest.keyClick(widget, key, Qt.KeyboardModifier.AltModifier)


def type_and_wait(qtbot, screen: IntakeScreen, text: str) -> None:
    with qtbot.waitSignal(screen.smart.proposed, timeout=5_000):
        type_chinese(screen.form.content, text)


def test_proposals_appear_as_the_operator_types_and_one_key_accepts_each(qtbot, screen):
    form, panel = screen.form, screen.smart.panel
    type_and_wait(qtbot, screen, WATER_TEXT)
    assert panel.isVisible()
    assert panel.categories.text().startswith("Alt+1  公共服务 › 供水")
    assert "Alt+4  Place: 新华区 › 西高皇街道 › 中央花园社区" in panel.fields.text()
    assert "Alt+5  Phone: 13803751234" in panel.fields.text()
    # Nothing is filled until the operator asks.
    assert form.category.value() is None
    assert form.location.value() == ("", "", "")
    alt(form.content, Qt.Key.Key_1)
    assert form.category.value() == ("公共服务", "供水")
    alt(form.content, Qt.Key.Key_4)
    assert form.location.value() == ("新华区", "西高皇街道", "中央花园社区")
    alt(form.content, Qt.Key.Key_5)
    assert form.caller_phone.text() == "13803751234"
    # The unit follows from the accepted category and place, through the routing rules.
    assert form.unit.currentData()
    # The typed content itself is never touched.
    assert form.content.text() == WATER_TEXT


def test_accepting_never_overwrites_what_the_operator_typed(qtbot, screen):
    form = screen.form
    QTest.keyClicks(form.caller_phone, "13900001111")
    form.location.set_value(("卫东区", "", ""))
    type_and_wait(qtbot, screen, WATER_TEXT)
    assert "13803751234" not in screen.smart.panel.fields.text()
    assert "Place" not in screen.smart.panel.fields.text()
    alt(form.content, Qt.Key.Key_5)
    alt(form.content, Qt.Key.Key_4)
    assert form.caller_phone.text() == "13900001111"
    assert form.location.value()[0] == "卫东区"


def test_a_second_choice_of_category_replaces_the_first_accepted_one(qtbot, screen):
    form = screen.form
    type_and_wait(qtbot, screen, WATER_TEXT)
    second = screen.smart.proposal.categories[1]
    alt(form.content, Qt.Key.Key_1)
    alt(form.content, Qt.Key.Key_2)
    assert form.category.value() == (second.level1, second.level2)


def test_risk_words_propose_critical_urgency(qtbot, screen):
    form, panel = screen.form, screen.smart.panel
    type_and_wait(qtbot, screen, "老板欠了半年工资不给，我真的不想活了")
    assert panel.urgency.isVisible() and "不想活" in panel.urgency.text()
    alt(form.content, Qt.Key.Key_7)
    assert form.urgency.currentData() == "critical"
    assert not panel.urgency.isVisible()


def test_innocent_words_propose_no_urgency(qtbot, screen):
    type_and_wait(qtbot, screen, "楼下晚上跳广场舞太吵了，还有人打杀虫剂")
    assert not screen.smart.panel.urgency.isVisible()


def _open_water_tickets(db, count: int) -> None:
    records = []
    for n in range(count):
        ticket = replace(make_ticket(f"W-{n}", phone=f"1370000000{n}"),
                         created_at=NOW - timedelta(minutes=30 * (n + 1)),
                         category=WATER, location=PLACE, content="中央花园社区停水了")
        ticket = replace(ticket, caller=Caller(name="李女士", phone=f"1370000000{n}"))
        records.append(ticket_payload(ticket))
    ops.import_synced_tickets(db, records)


def test_the_same_matter_is_offered_for_merge_with_its_reason(qtbot, screen, db, monkeypatch):
    # 并单 asks before merging (issue #18): here the operator declines; the offer is the test.
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Cancel)
    _open_water_tickets(db, 1)
    with qtbot.waitSignal(screen.smart.recent_loaded, timeout=5_000):
        screen.smart.load_recent()
    type_and_wait(qtbot, screen, WATER_TEXT)
    merge = screen.smart.panel.merge
    assert merge.isVisible() and "W-0" in merge.text() and "中央花园社区" in merge.text()
    with qtbot.waitSignal(screen.smart.merge_requested, timeout=2_000) as blocker:
        alt(screen.form.content, Qt.Key.Key_8)
    assert blocker.args == ["W-0"]


def test_a_hotspot_shows_a_banner_with_a_prepared_answer(qtbot, screen, db):
    _open_water_tickets(db, 3)
    with qtbot.waitSignal(screen.smart.hotspot_found, timeout=5_000) as found:
        screen.smart.load_recent()
    assert found.args[0].location == PLACE
    type_and_wait(qtbot, screen, WATER_TEXT)
    banner = screen.smart.banner
    assert banner.isVisible() and "中央花园社区" in banner.title.text()
    alt(screen.form.content, Qt.Key.Key_9)
    assert screen.form.answer.text() == banner.answer.text()


def test_the_lead_alert_lists_the_tickets_of_the_hotspot(qtbot):
    tickets = [RecentTicket(f"W-{n}", NOW - timedelta(minutes=20 * n), TicketStatus.REGISTERED,
                            f"1370000000{n}", WATER, PLACE, "停水") for n in range(4)]
    [hotspot] = RecentTickets.of(tickets, NOW).hotspots(NOW)
    alert = HotspotAlert(hotspot)
    qtbot.addWidget(alert)
    assert alert.tickets.count() == 4


def test_f1_help_lists_the_proposal_keys_without_clashing(screen):
    keys = [keys for keys, _ in screen.shortcut_help()]
    assert "Alt+4" in keys and "Alt+9" in keys
    assert len(keys) == len(set(keys))


def test_an_open_ticket_with_risk_words_is_reported_once_for_the_lead(qtbot, screen, db):
    ticket = replace(make_ticket("R-1"), created_at=NOW - timedelta(hours=2),
                     content="老板不给工资，我们几十个人明天去市政府门口拉横幅")
    ops.import_synced_tickets(db, [ticket_payload(ticket)])
    with qtbot.waitSignal(screen.smart.risk_found, timeout=5_000) as found:
        screen.smart.load_recent()
    reported, hits = found.args
    assert reported.id == "R-1" and any(hit.text == "拉横幅" for hit in hits)
    alert = RiskAlert(reported, hits)
    qtbot.addWidget(alert)
    assert "R-1" in alert.findChild(QLabel, "risk_alert_title").text()
    with qtbot.assertNotEmitted(screen.smart.risk_found), \
            qtbot.waitSignal(screen.smart.recent_loaded, timeout=5_000):
        screen.smart.load_recent()
