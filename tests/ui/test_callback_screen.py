"""Callbacks end to end: the demo units reply on a real central API, the operator calls back
and records the ratings, and the server closes the ticket or has it redone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QRadioButton

from agent_app.core.actions import MAX_CALLBACK_ATTEMPTS, FollowUp, needs_lead
from agent_app.core.enums import Rating, Role, TicketStatus
from agent_app.core.lifecycle import Action
from agent_app.ui.callback.screen import CallbackScreen
from agent_app.ui.review.screen import ReviewScreen
from tests.ui.closed_loop import UNIT, ClosedLoop, closed_loop

pytestmark = pytest.mark.slow


@pytest.fixture
def operator_loop(tmp_path, db, tasks):
    yield from closed_loop(tmp_path, db, tasks, "op01")


@pytest.fixture
def lead_loop(tmp_path, db, tasks):
    yield from closed_loop(tmp_path, db, tasks, "lead01")


def callback_screen(qtbot, loop: ClosedLoop, role: Role) -> CallbackScreen:
    screen = CallbackScreen(loop.tasks, role=role, actor=loop.user)
    qtbot.addWidget(screen)
    screen.resize(1400, 850)
    screen.show()
    return screen


def replied(loop: ClosedLoop, ticket_id: str, *, already_dispatched: bool = False) -> None:
    """The demo unit accepts and replies; the client syncs."""
    if not already_dispatched:
        loop.dispatched(ticket_id)
    simulator = loop.simulator(return_rate=0)
    assert simulator.step() == f"{UNIT} accept {ticket_id}"
    assert simulator.step() == f"{UNIT} reply {ticket_id}"
    loop.sync()


def choose(qtbot, screen: CallbackScreen, ticket_id: str) -> None:
    qtbot.waitUntil(lambda: screen.select(ticket_id), timeout=10_000)
    qtbot.waitUntil(lambda: screen.detail.detail is not None
                    and screen.detail.detail.ticket.id == ticket_id, timeout=10_000)


def rate(qtbot, screen: CallbackScreen, result: Rating, process: Rating) -> None:
    ticket_id = screen.detail.ticket_id
    assert ticket_id is not None
    qtbot.mouseClick(screen.record_button, Qt.MouseButton.LeftButton)
    panel = screen.detail.panel
    assert panel.kind is FollowUp.CALLBACK
    panel.form_host.findChild(QRadioButton, f"result_{result.value}").click()
    panel.form_host.findChild(QRadioButton, f"process_{process.value}").click()
    qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.isVisible() or panel.error.isVisible(), timeout=10_000)
    assert not panel.error.isVisible(), panel.error.text()
    # Saved: the ticket has left the worklist.
    qtbot.waitUntil(lambda: all(screen.model.row(n).ticket_id != ticket_id
                                for n in range(screen.model.rowCount())), timeout=10_000)


def test_a_satisfied_callback_closes_the_ticket(qtbot, operator_loop):
    screen = callback_screen(qtbot, operator_loop, Role.OPERATOR)
    replied(operator_loop, "T-OK")
    choose(qtbot, screen, "T-OK")
    assert screen.detail.offered() == set()  # operators act through the ratings
    rate(qtbot, screen, Rating.SATISFIED, Rating.BASICALLY_SATISFIED)
    assert operator_loop.sync().rejected == []
    on_server = operator_loop.on_server("T-OK")
    assert on_server.status is TicketStatus.CLOSED
    callback = on_server.events[-2]
    assert (callback.kind, callback.actor, callback.data["result"], callback.data["process"]) \
        == ("callback", "op01", "satisfied", "basically_satisfied")
    qtbot.waitUntil(lambda: screen.model.rowCount() == 0, timeout=10_000)


def test_ratings_must_both_be_given(qtbot, operator_loop):
    screen = callback_screen(qtbot, operator_loop, Role.OPERATOR)
    replied(operator_loop, "T-HALF")
    choose(qtbot, screen, "T-HALF")
    qtbot.mouseClick(screen.record_button, Qt.MouseButton.LeftButton)
    panel = screen.detail.panel
    panel.form_host.findChild(QRadioButton, "result_satisfied").click()
    qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.error.isVisible, timeout=10_000)
    assert "both ratings" in panel.error.text()
    assert operator_loop.on_server("T-HALF").status is TicketStatus.REPLIED


def test_dissatisfied_twice_is_redone_twice_and_flagged_for_the_lead(qtbot, operator_loop):
    screen = callback_screen(qtbot, operator_loop, Role.OPERATOR)
    replied(operator_loop, "T-BAD")
    for round_number in (1, 2):
        choose(qtbot, screen, "T-BAD")
        rate(qtbot, screen, Rating.DISSATISFIED, Rating.SATISFIED)
        assert operator_loop.sync().rejected == []
        on_server = operator_loop.on_server("T-BAD")
        assert (on_server.status, on_server.redo_count) == (TicketStatus.DISPATCHED,
                                                            round_number)
        assert on_server.events[-1].kind == "redo" and on_server.deadline is not None
        if round_number == 1:
            replied(operator_loop, "T-BAD", already_dispatched=True)
    assert needs_lead(on_server)
    # The lead's review lists it.
    review = ReviewScreen(operator_loop.tasks, role=Role.LEAD, actor="lead01")
    qtbot.addWidget(review)
    qtbot.waitUntil(lambda: review.models["redone"].rowCount() == 1, timeout=10_000)
    assert review.models["redone"].row(0).ticket_id == "T-BAD"


def test_not_reached_three_times_then_closed_without_callback(qtbot, operator_loop):
    screen = callback_screen(qtbot, operator_loop, Role.OPERATOR)
    replied(operator_loop, "T-AWAY")
    choose(qtbot, screen, "T-AWAY")
    for attempt in range(1, MAX_CALLBACK_ATTEMPTS + 1):
        assert not screen.close_button.isEnabled()
        qtbot.mouseClick(screen.not_reached_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda n=attempt: screen.current_item() is not None
                        and screen.current_item().attempts == n, timeout=10_000)
    assert screen.close_button.isEnabled()
    qtbot.mouseClick(screen.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 0, timeout=10_000)
    assert operator_loop.sync().rejected == []
    on_server = operator_loop.on_server("T-AWAY")
    assert on_server.status is TicketStatus.CLOSED
    assert [e.data.get("attempt") for e in on_server.events if e.kind == "callback"] == [1, 2, 3]


def test_a_lead_sends_a_formulaic_reply_back_for_redo(qtbot, lead_loop):
    screen = callback_screen(qtbot, lead_loop, Role.LEAD)
    replied(lead_loop, "T-EMPTY")
    choose(qtbot, screen, "T-EMPTY")
    qtbot.waitUntil(lambda: Action.REDO in screen.detail.offered(), timeout=10_000)
    qtbot.mouseClick(screen.detail.action_buttons[Action.REDO], Qt.MouseButton.LeftButton)
    panel = screen.detail.panel
    panel.text_edit.setPlainText("答复内容套话空泛，未说明具体处理结果")
    qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=10_000)
    assert lead_loop.sync().rejected == []
    on_server = lead_loop.on_server("T-EMPTY")
    assert (on_server.status, on_server.redo_count) == (TicketStatus.DISPATCHED, 1)
    assert on_server.events[-1].data["reason"] == "答复内容套话空泛，未说明具体处理结果"
