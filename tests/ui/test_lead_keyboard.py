"""The team lead's screens from the keyboard alone, over a local cache (commands are saved
locally and synced later, so no server is needed): queue, review and callbacks. Opened action
forms take the focus, Ctrl+Enter confirms, the buttons keep their places, and every key is
listed in the F1 help."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from agent_app.core.actions import FollowUp
from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import Role, TicketStatus
from agent_app.core.interchange import ticket_to_dict
from agent_app.core.lifecycle import Action, SideEvent
from agent_app.core.models import TicketEvent, new_event_id
from agent_app.storage import ops
from agent_app.storage.database import Database
from agent_app.ui.callback.screen import CallbackScreen
from agent_app.ui.queue.screen import QueueScreen
from agent_app.ui.review.screen import ReviewScreen
from tests.factories import make_ticket

NOW = datetime.now(CHINA_TZ)
CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier


def cached(ticket_id: str, status: TicketStatus, *extra: TicketEvent, **fields: object) -> dict:
    base = make_ticket(ticket_id, status=status)
    ticket = replace(base, unit="市城市管理局", deadline=NOW + timedelta(days=3),
                     events=[*base.events, *extra], **fields)
    return ticket_to_dict(ticket)


def replied_event(ticket_id: str, hours_ago: int) -> TicketEvent:
    return TicketEvent(new_event_id(), NOW - timedelta(hours=hours_ago), "replied", "unit01",
                       {"text": f"已处理 {ticket_id}。"})


def key(keys: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key press where the focus is, as the operator's keyboard would send it."""
    target = QApplication.focusWidget()
    assert target is not None
    QTest.keyClick(target, keys, modifier)


def focus_is_inside(widget: QWidget) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and (focus is widget or widget.isAncestorOf(focus))


def positions(buttons: dict) -> dict:
    return {kind: (button.mapTo(button.parentWidget(), QPoint(0, 0)), button.width())
            for kind, button in buttons.items()}


def settle(qtbot, screen) -> None:
    qtbot.waitUntil(lambda: screen.detail.detail is not None, timeout=10_000)


@pytest.fixture
def queue(qtbot, tasks, db: Database) -> QueueScreen:
    ops.import_synced_tickets(db, [cached("T-A", TicketStatus.DISPATCHED),
                                   cached("T-B", TicketStatus.ACCEPTED)])
    screen = QueueScreen(tasks, role=Role.LEAD, actor="lead01")
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    screen.activateWindow()
    qtbot.waitUntil(lambda: screen.snapshot is not None and screen.snapshot.complete
                    and screen.model.rowCount() == 2, timeout=10_000)
    return screen


def test_queue_filter_list_action_and_confirm_from_the_keyboard(qtbot, queue, db):
    queue.table.setFocus()
    key(Qt.Key.Key_F, CTRL)
    assert queue.filter_edit.hasFocus()
    QTest.keyClicks(queue.filter_edit, "T-A")
    key(Qt.Key.Key_Return)
    assert queue.table.hasFocus()
    qtbot.waitUntil(lambda: queue.model.rowCount() == 1, timeout=5000)
    key(Qt.Key.Key_Down)
    settle(qtbot, queue)
    assert queue.detail.isVisible()  # hidden while nothing was chosen
    before = positions(queue.detail.action_buttons)

    key(Qt.Key.Key_S, ALT)  # 督办
    panel = queue.detail.panel
    assert panel.isVisible() and panel.kind is SideEvent.SUPERVISION
    assert focus_is_inside(panel.form_host)  # what the lead types goes into the form
    key(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=10_000)
    with db.unit_of_work() as uow:
        assert uow.tickets.get("T-A").events[-1].kind == "supervised"
    assert queue.table.hasFocus()  # back on the list for the next ticket
    qtbot.waitUntil(lambda: queue.detail.detail is not None
                    and queue.detail.detail.ticket.events[-1].kind == "supervised",
                    timeout=10_000)
    # The action row did not move: a second press lands on the same action.
    assert positions(queue.detail.action_buttons) == before
    assert SideEvent.SUPERVISION in queue.detail.offered()  # the next step of the ladder


def test_escape_closes_an_action_form_and_a_note_has_its_key(qtbot, queue):
    queue.table.setFocus()
    key(Qt.Key.Key_Down)
    settle(qtbot, queue)
    key(Qt.Key.Key_G, ALT)  # 改派 does not apply to a dispatched ticket: nothing opens
    assert not queue.detail.panel.isVisible()
    key(Qt.Key.Key_M, ALT)  # 并单
    assert queue.detail.panel.kind is Action.MERGE
    assert queue.detail.panel.into_edit.hasFocus()
    key(Qt.Key.Key_Escape)
    assert not queue.detail.panel.isVisible()
    key(Qt.Key.Key_O, ALT)
    assert queue.detail.note_edit.hasFocus()


def test_the_queue_keys_are_in_the_help(queue):
    listed = dict(queue.shortcut_help())
    for keys in ("Ctrl+F", "Ctrl+T", "Alt+S", "Alt+M", "Alt+G", "Alt+E", "Alt+O",
                 "Ctrl+Enter", "Esc"):
        assert keys in listed, keys


@pytest.fixture
def review(qtbot, tasks, db: Database) -> ReviewScreen:
    request = TicketEvent(new_event_id(), NOW - timedelta(hours=2), "extension", "unit01",
                          {"decision": "pending", "reason": "需协调",
                           "requested_deadline": (NOW + timedelta(days=10)).isoformat()})
    ops.import_synced_tickets(db, [cached("T-EXT", TicketStatus.ACCEPTED, request)])
    screen = ReviewScreen(tasks, role=Role.LEAD, actor="lead01")
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    screen.activateWindow()
    qtbot.waitUntil(lambda: screen.models["extensions"].rowCount() == 1, timeout=10_000)
    return screen


def test_review_list_key_decide_and_confirm(qtbot, review, db):
    review.tabs.setFocus()
    key(Qt.Key.Key_2, ALT)  # 延期申请
    assert review.tabs.currentIndex() == 1
    assert review.tables["extensions"].hasFocus()
    settle(qtbot, review)
    key(Qt.Key.Key_E, ALT)
    panel = review.detail.panel
    assert panel.kind is FollowUp.EXTENSION_DECISION and focus_is_inside(panel.form_host)
    key(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: review.models["extensions"].rowCount() == 0, timeout=10_000)
    with db.unit_of_work() as uow:
        assert uow.tickets.get("T-EXT").events[-1].data["decision"] == "approved"
    assert "Alt+2" in dict(review.shortcut_help())


@pytest.fixture
def callbacks(qtbot, tasks, db: Database) -> CallbackScreen:
    ops.import_synced_tickets(db, [
        cached(ticket_id, TicketStatus.REPLIED, replied_event(ticket_id, hours))
        for ticket_id, hours in (("T-1", 30), ("T-2", 20), ("T-3", 10))])
    screen = CallbackScreen(tasks, role=Role.OPERATOR, actor="op01")
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    screen.activateWindow()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 3, timeout=10_000)
    return screen


def test_callbacks_ratings_from_the_keyboard_then_the_next_ticket(qtbot, callbacks, db):
    callbacks.table.setFocus()
    # Ctrl+Home, not Down: whether the list made its first row current on taking the focus
    # depends on when the window became active (a busy machine), and Down would then go on
    # to the second ticket.
    key(Qt.Key.Key_Home, CTRL)
    settle(qtbot, callbacks)
    assert callbacks.current_item().ticket_id == "T-1"
    key(Qt.Key.Key_P, ALT)
    panel = callbacks.detail.panel
    assert panel.kind is FollowUp.CALLBACK and focus_is_inside(panel.form_host)
    key(Qt.Key.Key_Space)  # 办理结果: the first choice, 满意
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Space)  # 服务过程: 满意
    assert panel.data() == {"result": "satisfied", "process": "satisfied"}
    key(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: callbacks.model.rowCount() == 2, timeout=10_000)
    # Closed and gone: the next ticket is chosen and the list has the focus.
    qtbot.waitUntil(lambda: callbacks.current_item() is not None
                    and callbacks.current_item().ticket_id == "T-2", timeout=10_000)
    assert callbacks.table.hasFocus()
    with db.unit_of_work() as uow:
        assert uow.tickets.get("T-1").status is TicketStatus.CLOSED

    settle(qtbot, callbacks)
    key(Qt.Key.Key_N, ALT)  # not reached: T-2 stays, and the next one is chosen
    qtbot.waitUntil(lambda: callbacks.current_item() is not None
                    and callbacks.current_item().ticket_id == "T-3", timeout=10_000)
    assert [callbacks.model.row(n).attempts for n in range(2)] == [1, 0]
    assert {"Alt+P", "Alt+N", "Alt+C"} <= set(dict(callbacks.shortcut_help()))


def test_the_timeline_numbers_not_reached_callbacks_that_carry_no_attempt(qtbot, tasks, db):
    missed = [TicketEvent(new_event_id(), NOW - timedelta(hours=h), "callback", "op01",
                          {"reached": False}) for h in (5, 4)]
    ops.import_synced_tickets(db, [cached("T-OLD", TicketStatus.REPLIED,
                                          replied_event("T-OLD", 6), *missed)])
    screen = CallbackScreen(tasks, role=Role.OPERATOR, actor="op01")
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.select("T-OLD"), timeout=10_000)
    settle(qtbot, screen)
    model = screen.detail.timeline_model
    texts = [model.data(model.index(n, 3)) for n in range(model.rowCount())]
    assert "not reached (attempt 1)" in texts and "not reached (attempt 2)" in texts
    assert not any("?" in text for text in texts)


def test_a_change_by_someone_else_is_said_at_once(qtbot, queue, db, tasks):
    from agent_app.tasks import Topic

    assert queue.select_ticket("T-A")
    settle(qtbot, queue)
    notice = queue.detail.changed_notice
    assert not notice.isVisible()
    accepted = TicketEvent(new_event_id(), NOW, "accepted", "unit07", {})
    with db.unit_of_work() as uow:  # what a pull stores: the server's newer state
        ticket = uow.tickets.get("T-A")
        uow.tickets.store_from_server(replace(ticket, status=TicketStatus.ACCEPTED,
                                              events=[*ticket.events, accepted]), 2)
        uow.commit()
    tasks.run_db(lambda _db: None, changes=frozenset({Topic.SYNC}))  # as a sync reports it
    qtbot.waitUntil(notice.isVisible, timeout=10_000)
    assert "unit07" in notice.text()
    # The lead's own step is no news to them: the notice still names the unit's.
    queue.detail.start(SideEvent.SUPERVISION)
    queue.detail.panel.confirm()
    qtbot.waitUntil(lambda: queue.detail.detail.ticket.events[-1].kind == "supervised",
                    timeout=10_000)
    assert "unit07" in notice.text()
