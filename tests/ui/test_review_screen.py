"""Team lead review end to end: the demo units act on a real central API, the lead's screen
acts through ticket commands, and the server holds the result after a sync."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from agent_app.core.actions import R_REASON, R_STATE, FollowUp, TicketCommand, pending_extension
from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import Role, SupervisionLevel, TicketStatus
from agent_app.core.i18n import translated
from agent_app.core.lifecycle import Action, SideEvent
from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.storage.reference import load_reference
from agent_app.sync.engine import SyncEngine
from agent_app.ui.review.screen import ReviewScreen
from tests.clients import signed_in
from tests.ui.closed_loop import UNIT, ClosedLoop, closed_loop

pytestmark = pytest.mark.slow


@pytest.fixture
def lead_loop(tmp_path, db, tasks):
    yield from closed_loop(tmp_path, db, tasks, "lead01")


@pytest.fixture
def screen(qtbot, lead_loop: ClosedLoop):
    widget = ReviewScreen(lead_loop.tasks, role=Role.LEAD, actor="lead01")
    qtbot.addWidget(widget)
    widget.resize(1400, 850)
    widget.show()
    return widget


def choose(qtbot, screen: ReviewScreen, key: str, ticket_id: str) -> None:
    qtbot.waitUntil(lambda: screen.select(key, ticket_id), timeout=10_000)
    qtbot.waitUntil(lambda: screen.detail.detail is not None
                    and screen.detail.detail.ticket.id == ticket_id, timeout=10_000)


def act(qtbot, screen: ReviewScreen, kind) -> None:
    qtbot.waitUntil(lambda: kind in screen.detail.offered(), timeout=10_000)
    qtbot.mouseClick(screen.detail.action_buttons[kind], Qt.MouseButton.LeftButton)
    assert screen.detail.panel.isVisible() and screen.detail.panel.kind is kind


def confirm(qtbot, screen: ReviewScreen) -> None:
    panel = screen.detail.panel
    qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.isVisible() or panel.error.isVisible(), timeout=10_000)
    assert not panel.error.isVisible(), panel.error.text()


def returned_by_unit(loop: ClosedLoop, ticket_id: str) -> None:
    loop.dispatched(ticket_id)
    assert loop.simulator(return_rate=1.0).step() == f"{UNIT} return {ticket_id}"
    loop.sync()


def test_a_returned_ticket_is_redispatched_to_a_suggested_unit(qtbot, lead_loop, screen):
    returned_by_unit(lead_loop, "T-RET")
    choose(qtbot, screen, "returned", "T-RET")
    assert "不属于本单位职责范围" in screen.models["returned"].details(
        screen.models["returned"].row(0))
    act(qtbot, screen, Action.REDISPATCH)
    combo = screen.detail.panel.unit_combo
    names = [combo.itemData(n) for n in range(combo.count())]
    assert UNIT not in names  # never back to the unit that returned it
    assert combo.itemText(0).startswith("★")  # routing suggestions first
    chosen = combo.itemData(0)
    confirm(qtbot, screen)
    assert lead_loop.sync().rejected == []
    on_server = lead_loop.on_server("T-RET")
    assert (on_server.status, on_server.unit) == (TicketStatus.DISPATCHED, chosen)
    assert on_server.events[-1].data["redispatch"] is True
    qtbot.waitUntil(lambda: screen.models["returned"].rowCount() == 0, timeout=10_000)


def test_a_return_is_rejected_back_to_the_same_unit_with_a_reason(qtbot, lead_loop, screen):
    returned_by_unit(lead_loop, "T-BACK")
    choose(qtbot, screen, "returned", "T-BACK")
    act(qtbot, screen, Action.REJECT_RETURN)
    screen.detail.panel.text_edit.setPlainText("路灯维护属于贵局职责，请签收办理")
    confirm(qtbot, screen)
    lead_loop.sync()
    on_server = lead_loop.on_server("T-BACK")
    assert (on_server.status, on_server.unit) == (TicketStatus.DISPATCHED, UNIT)
    assert on_server.events[-1].kind == "return_rejected"
    assert [t["id"] for t in lead_loop.unit().get("/unit/tickets")] == ["T-BACK"]


def test_an_extension_is_approved_with_a_working_day_deadline(qtbot, lead_loop, screen):
    lead_loop.dispatched("T-EXT")
    unit = lead_loop.unit()
    before = lead_loop.on_server("T-EXT").deadline
    asked = before + timedelta(days=7)
    unit.post("/unit/tickets/T-EXT/extension",
              {"requested_deadline": asked.isoformat(), "reason": "需协调供电部门停电施工"})
    lead_loop.sync()
    choose(qtbot, screen, "extensions", "T-EXT")
    act(qtbot, screen, FollowUp.EXTENSION_DECISION)
    panel = screen.detail.panel
    panel.days_spin.setValue(3)
    calendar = load_reference(lead_loop.db).calendar
    expected = calendar.add_working_days(before, 3)
    assert panel.new_deadline.text() == expected.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
    confirm(qtbot, screen)
    lead_loop.sync()
    on_server = lead_loop.on_server("T-EXT")
    assert on_server.deadline == expected
    assert pending_extension(on_server) is None
    assert on_server.events[-1].data["decision"] == "approved"


def test_an_extension_denied_without_a_reason_is_explained_then_denied(qtbot, lead_loop,
                                                                       screen):
    lead_loop.dispatched("T-DENY")
    deadline = lead_loop.on_server("T-DENY").deadline
    lead_loop.unit().post("/unit/tickets/T-DENY/extension", {
        "requested_deadline": (deadline + timedelta(days=3)).isoformat(), "reason": "人手不足"})
    lead_loop.sync()
    choose(qtbot, screen, "extensions", "T-DENY")
    act(qtbot, screen, FollowUp.EXTENSION_DECISION)
    panel = screen.detail.panel
    panel.deny_radio.setChecked(True)
    qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.error.isVisible, timeout=10_000)
    assert panel.error.text() == R_REASON
    panel.text_edit.setPlainText("时限内可以办结，请按期答复")
    confirm(qtbot, screen)
    lead_loop.sync()
    on_server = lead_loop.on_server("T-DENY")
    assert on_server.deadline == deadline and on_server.events[-1].data["decision"] == "denied"


def test_supervision_climbs_the_ladder_and_the_unit_sees_each_notice(qtbot, lead_loop, screen):
    lead_loop.dispatched("T-LATE", ago=timedelta(days=30))  # its deadline passed long ago
    choose(qtbot, screen, "supervision", "T-LATE")
    for level in SupervisionLevel:
        act(qtbot, screen, SideEvent.SUPERVISION)
        notice = screen.detail.panel.notice_edit.toPlainText()
        assert UNIT in notice and "T-LATE" in notice
        screen.detail.panel.required_edit.setText("三个工作日内书面报告办理情况")
        assert "三个工作日内书面报告办理情况" in screen.detail.panel.notice_edit.toPlainText()
        confirm(qtbot, screen)
        qtbot.waitUntil(lambda lv=level: screen.detail.detail is not None
                        and screen.detail.detail.ticket.supervision_level is lv,
                        timeout=10_000)
    assert SideEvent.SUPERVISION not in screen.detail.offered()  # top of the ladder
    lead_loop.sync()
    seen_by_unit = next(t for t in lead_loop.unit().get("/unit/tickets") if t["id"] == "T-LATE")
    supervised = [e for e in seen_by_unit["events"] if e["kind"] == "supervised"]
    assert [e["level"] for e in supervised] == ["reminder", "phone", "written"]
    assert all("三个工作日内书面报告办理情况" in e["notice"] for e in supervised)
    assert seen_by_unit["supervision_level"] == "written"


def test_merge_keeps_both_histories_and_split_makes_a_new_ticket(qtbot, lead_loop, screen):
    lead_loop.dispatched("T-KEEP", ago=timedelta(days=30))
    lead_loop.dispatched("T-DUP", ago=timedelta(days=30))
    choose(qtbot, screen, "supervision", "T-DUP")
    act(qtbot, screen, Action.MERGE)
    screen.detail.panel.into_edit.setText("T-KEEP")
    confirm(qtbot, screen)
    choose(qtbot, screen, "supervision", "T-KEEP")
    act(qtbot, screen, FollowUp.SPLIT)
    panel = screen.detail.panel
    panel.content_edit.setPlainText("另反映同一路段井盖缺失")
    panel.demand_edit.setText("尽快补装井盖")
    panel.text_edit.setPlainText("一次来电反映两件事")
    confirm(qtbot, screen)
    assert lead_loop.sync().rejected == []
    merged, kept = lead_loop.on_server("T-DUP"), lead_loop.on_server("T-KEEP")
    assert merged.status is TicketStatus.MERGED and merged.events[-1].data["into"] == "T-KEEP"
    assert [e.kind for e in kept.events][-2:] == ["note", "split"]
    assert kept.events[-2].data["merged_from"] == "T-DUP"
    new_id = kept.events[-1].data["to"]
    part = lead_loop.on_server(new_id)
    assert part.status is TicketStatus.REGISTERED and part.content == "另反映同一路段井盖缺失"
    assert part.events[0].data == {"split_from": "T-KEEP"}


def test_an_action_the_server_refuses_shows_its_reason(qtbot, lead_loop, screen, tmp_path):
    returned_by_unit(lead_loop, "T-RACE")
    # Another lead, on another PC, rejects the return first.
    other_db = open_database(tmp_path / "other.db")
    other = SyncEngine(other_db, signed_in(lead_loop.server.url, "lead01"))
    other.sync_once()
    ops.perform_ticket_command(other_db, TicketCommand(
        "T-RACE", Action.REJECT_RETURN, datetime.now(CHINA_TZ), "lead01",
        {"reason": "请贵局办理"}))
    assert other.sync_once().rejected == []
    other_db.close()

    choose(qtbot, screen, "returned", "T-RACE")
    act(qtbot, screen, Action.REDISPATCH)
    confirm(qtbot, screen)
    report = lead_loop.sync()
    assert len(report.rejected) == 1
    qtbot.waitUntil(lambda: screen.detail.refusals.isVisible(), timeout=10_000)
    # The server says why, in Chinese (its reasons are the core's sentences, translated).
    assert translated(R_STATE) in screen.detail.refusals.text()
    assert screen.detail.detail.ticket.unit == UNIT  # the server's state, not ours
