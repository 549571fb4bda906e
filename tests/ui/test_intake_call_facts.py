"""What the intake screen records about a call: when it began, which unit it goes to, and the
caller's history in Beijing time. Each test failed on the release before the fix."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import TicketStatus
from agent_app.core.models import CategoryPath
from agent_app.storage.callers import CallerTicket
from agent_app.ui.intake.history import CallerHistoryModel
from agent_app.ui.intake.screen import IntakeScreen
from tests.ui.test_intake import choose_combo, fill_dispatchable, outbox_rows, press, type_chinese

START = datetime(2026, 12, 1, 9, 0, tzinfo=CHINA_TZ)  # a Tuesday morning


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def screen(qtbot, tasks, clock) -> IntakeScreen:
    made = IntakeScreen(tasks, actor="op01", now=clock)
    qtbot.addWidget(made)
    made.resize(1366, 768)
    made.show()
    qtbot.waitUntil(lambda: made.form.category._index is not None, timeout=10_000)
    return made


def created(db) -> list:
    """The tickets' creations in the outbox (each is followed by its commands)."""
    return [row for row in outbox_rows(db) if row.op == "ticket.create"]


def saved_ticket(qtbot, db, count: int = 1):
    qtbot.waitUntil(lambda: len(created(db)) == count, timeout=5000)
    with db.unit_of_work() as uow:
        return uow.tickets.get(created(db)[-1].entity_id)


def test_the_received_time_is_the_first_keystroke_not_the_reset_of_the_blank_form(
        qtbot, screen, db, clock):
    clock.advance(minutes=5)  # the blank form waited five minutes for the next call
    fill_dispatchable(screen)
    clock.advance(minutes=3)  # the call took three minutes
    press(screen.form.demand, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    ticket = saved_ticket(qtbot, db)
    assert ticket.created_at == START + timedelta(minutes=5)

    # The form reset by the submit waits again; the next call's time is its own first key.
    clock.advance(minutes=10)
    fill_dispatchable(screen)
    press(screen.form.demand, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    second = saved_ticket(qtbot, db, count=2)
    assert second.created_at == START + timedelta(minutes=18)


def test_a_screen_pop_takes_the_time_the_call_rang(qtbot, screen, db, clock):
    clock.advance(minutes=7)
    screen.start_call("13800138000")
    clock.advance(minutes=2)
    fill_dispatchable(screen)  # types the same number again after the popped one
    screen.form.caller_phone.setText("13800138000")
    press(screen.form.demand, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert saved_ticket(qtbot, db).created_at == START + timedelta(minutes=7)


def fill_consultation_with_place(screen: IntakeScreen) -> None:
    form = screen.form
    form.caller_phone.setFocus()
    QTest.keyClicks(form.caller_phone, "13800138000")
    type_chinese(form.caller_name, "王女士")
    choose_combo(form.appeal_type, form.appeal_type.itemText(0))  # 咨询 / consultation
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


def test_f10_on_a_consultation_first_shows_the_unit_and_dispatches_on_the_second_press(
        qtbot, screen, db):
    fill_consultation_with_place(screen)
    form = screen.form
    assert form.outcome().value == "answer"
    assert not form.unit.isVisible()  # the suggested unit was never on screen

    press(form.demand, Qt.Key.Key_F10)
    # Nothing saved yet: the form still holds the call, now in dispatch mode, the unit shown.
    assert not form.state().is_blank()
    assert form.outcome().value == "dispatch"
    assert form.unit.isVisible() and form.unit.hasFocus()
    shown = form.unit.currentData()
    assert shown == "新华区西高皇街道办事处"
    assert shown in screen.status.text()

    press(form.unit, Qt.Key.Key_F10)
    ticket = saved_ticket(qtbot, db)
    assert ticket.status is TicketStatus.DISPATCHED and ticket.unit == shown
    assert len(created(db)) == 1


@pytest.fixture
def new_york_time() -> Iterator[None]:
    """The PC's clock set to another zone than Beijing's."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_caller_history_shows_beijing_time_whatever_the_pc_zone(qapp, new_york_time):
    model = CallerHistoryModel()
    # Stored in UTC: 17:30 on the 29th is 01:30 on the 30th in Beijing.
    row = CallerTicket("T-1", datetime(2026, 11, 29, 17, 30, tzinfo=UTC),
                       TicketStatus.DISPATCHED, CategoryPath("城市管理", "噪音扰民"), "噪音",
                       None, False)
    model.set_rows([row])
    assert model.data(model.index(0, 0)) == "2026-11-30 01:30"


def test_the_five_element_bar_shows_what_each_outcome_needs(qtbot, screen):
    form = screen.form
    QTest.keyClicks(form.caller_phone, "13800138000")
    type_chinese(form.caller_name, "刘先生")
    form.category.setFocus()
    QTest.keyClicks(form.category.edit, "gjj")
    press(form.category.edit, Qt.Key.Key_Return)
    type_chinese(form.content, "咨询租房提取公积金需要什么材料")
    assert form.outcome().value == "answer"
    bar = form.completeness.text()
    # Only the answer is missing: not "✗ What"; place and demand are not needed here.
    assert "✓ What" in bar and "✗ Answer" in bar
    assert "○ Where" in bar and "○ Demand" in bar
    type_chinese(form.answer, "本人身份证和银行卡，可在公积金APP线上办理。")
    assert "✗" not in form.completeness.text()

    form.set_outcome(form.outcome().DISPATCH)
    bar = form.completeness.text()
    assert "✗ Where" in bar and "✗ Demand" in bar and "○" not in bar


def test_the_call_timer_runs_from_the_call_start_then_wrap_up_until_the_next(
        qtbot, screen, db, clock):
    screen.show_call_time()
    assert screen.call_clock.text() == ""  # between calls, nothing runs
    screen.start_call("13800138000")
    clock.advance(minutes=2, seconds=5)
    screen.show_call_time()
    assert screen.call_clock.text() == "Call 02:05"
    fill_dispatchable(screen)
    screen.form.caller_phone.setText("13800138000")
    press(screen.form.demand, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    saved_ticket(qtbot, db)
    clock.advance(seconds=40)
    screen.show_call_time()
    assert screen.call_clock.text() == "Wrap-up 00:40"
    screen.start_call("13900001111")
    screen.show_call_time()
    assert screen.call_clock.text() == "Call 00:00"
