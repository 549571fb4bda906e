"""The caller's history during a call: Enter opens a past ticket in full, the chosen one's
whole appeal shows, the caller's name comes prefilled, and 并单 asks first, from a key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from agent_app.core.models import Caller, CategoryPath
from agent_app.storage import ops
from agent_app.ui.intake.screen import IntakeScreen
from agent_app.ui.ticket.detail import TicketDetailView
from tests.factories import dispatched, make_ticket
from tests.ui.test_intake import fill_dispatchable, outbox_rows


@pytest.fixture
def screen(qtbot, tasks, db):
    earlier = make_ticket("T-EARLIER", phone="13800138000")
    earlier.category = CategoryPath("城市管理", "噪音扰民")
    earlier.caller = Caller("王女士", "13800138000")
    earlier.content = "楼下烧烤店每晚营业到凌晨两点，噪音很大影响休息，已经持续一个多月了。"
    made = IntakeScreen(tasks, actor="op01")
    earlier.created_at = made._now() - timedelta(days=3)
    ops.register_ticket(db, dispatched(earlier, "新华区西高皇街道办事处"))
    qtbot.addWidget(made)
    made.resize(1366, 768)
    made.show()
    made.activateWindow()
    qtbot.waitUntil(lambda: made.form.category._index is not None, timeout=10_000)
    return made


def test_a_screen_pop_prefills_the_name_and_shows_the_whole_appeal(qtbot, screen, db, tasks):
    screen.start_call("13800138000")
    qtbot.waitUntil(lambda: screen.history.model.rowCount() == 1, timeout=5000)
    assert screen.form.caller_name.text() == "王女士"
    assert "已经持续一个多月了" in screen.history.preview.text()
    # Prefilled is not typed: the next screen pop leaves no draft of it.
    screen.start_call("13900009999")
    screen.save_draft(force=True)
    found: list[object] = []  # the DB worker runs jobs in order: this one comes after a save
    tasks.run_db(lambda d: ops.latest_draft(d, "intake"), on_done=found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=5000)
    assert found == [None]


def test_enter_on_a_past_ticket_opens_it_and_esc_goes_back(qtbot, screen):
    screen.start_call("13800138000")
    qtbot.waitUntil(lambda: screen.history.model.rowCount() == 1, timeout=5000)
    QTest.keyClick(screen.form.caller_name, Qt.Key.Key_F8)
    assert screen.history.table.hasFocus()
    QTest.keyClick(screen.history.table, Qt.Key.Key_Return)
    dialog = screen.past_ticket_dialog
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=5000)
    detail = dialog.findChild(TicketDetailView)
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=5000)
    assert detail.detail.ticket.id == "T-EARLIER"
    assert detail.offered() == set()  # looked at during a call, not acted on
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_ctrl_m_merges_only_after_the_operator_confirms(qtbot, screen, db, monkeypatch):
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
    asked: list[str] = []

    def question(_parent, _title, text, *_args):
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    fill_dispatchable(screen)
    qtbot.waitUntil(lambda: screen.history.repeat_box.isVisible(), timeout=5000)
    QTest.keyClick(screen.form.demand, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert "T-EARLIER" in asked[0]
    assert not screen.form.state().is_blank()  # cancelled: the call is still on the form
    QTest.keyClick(screen.form.demand, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    # The earlier ticket (facts, dispatch), the merged call (facts, merge), the note.
    qtbot.waitUntil(lambda: len(outbox_rows(db)) == 5, timeout=5000)
    assert screen.form.state().is_blank()
    assert "Ctrl+M" in dict(screen.shortcut_help())
