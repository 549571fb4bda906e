"""The queue screen over a real local cache: views, filter, sort, masking, countdown colours,
and a selection that stays on its ticket."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from agent_app.core.actions import TicketCommand
from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import Role, TicketStatus
from agent_app.core.interchange import ticket_to_dict
from agent_app.core.lifecycle import SideEvent
from agent_app.core.models import Caller
from agent_app.core.queue import Column, DeadlineState, SavedView
from agent_app.storage import ops
from agent_app.storage.database import Database
from agent_app.tasks import Topic
from agent_app.ui.queue.model import COLOURS
from agent_app.ui.queue.screen import QueueScreen
from tests.factories import make_ticket

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ)  # a Tuesday morning


def cached(ticket_id: str, status: TicketStatus, *, deadline: datetime | None = None,
           **fields: object) -> dict:
    ticket = replace(make_ticket(ticket_id, status=status), unit="市城市管理局",
                     deadline=deadline, **fields)
    return ticket_to_dict(ticket)


@pytest.fixture
def filled(db: Database) -> Database:
    ops.import_synced_tickets(db, [
        cached("T-OVER", TicketStatus.DISPATCHED, deadline=NOW - timedelta(hours=1)),
        cached("T-SOON", TicketStatus.DISPATCHED, deadline=NOW + timedelta(hours=2)),
        cached("T-LATER", TicketStatus.ACCEPTED, deadline=NOW + timedelta(days=7)),
        cached("T-SECRET", TicketStatus.ACCEPTED, deadline=NOW + timedelta(days=7),
               confidential=True, caller=Caller("王小明", "13912345678")),
        cached("T-RET", TicketStatus.RETURNED, deadline=NOW + timedelta(days=3)),
        cached("T-REPLIED", TicketStatus.REPLIED, deadline=NOW + timedelta(days=3)),
        cached("T-CLOSED", TicketStatus.CLOSED, redo_count=2),
    ])
    ops.autosave_draft(db, "draft-1", "intake", {"caller_name": "李女士",
                                                 "caller_phone": "13700000000",
                                                 "content": "楼道灯不亮"})
    return db


@pytest.fixture
def screen(qtbot, tasks, filled):
    widget = QueueScreen(tasks, role=Role.LEAD, actor="op01", now=lambda: NOW)
    QAbstractItemModelTester(widget.model,
                             QAbstractItemModelTester.FailureReportingMode.Fatal)
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    widget.show()
    qtbot.waitUntil(lambda: widget.snapshot is not None and widget.snapshot.complete,
                    timeout=10_000)
    return widget


def shown_ids(screen: QueueScreen) -> list[str]:
    return [screen.model.row_at(n).id for n in range(screen.model.rowCount())]


def cell(screen: QueueScreen, ticket_id: str, column: Column,
         role: int = Qt.ItemDataRole.DisplayRole):
    row = screen.model.row_of(ticket_id)
    assert row is not None, ticket_id
    return screen.model.data(screen.model.index(row, column), role)


def test_all_tickets_newest_first_and_drafts_apart(screen):
    assert sorted(shown_ids(screen)) == sorted(
        ["T-OVER", "T-SOON", "T-LATER", "T-SECRET", "T-RET", "T-REPLIED", "T-CLOSED"])
    screen.show_view(SavedView.DRAFTS)
    assert shown_ids(screen) == ["draft-1"]
    assert cell(screen, "draft-1", Column.CALLER) == "李女士 13700000000"


@pytest.mark.parametrize(("view", "expected"), [
    (SavedView.OVERDUE, {"T-OVER"}),
    (SavedView.DUE_TODAY, {"T-SOON"}),
    (SavedView.RETURNED, {"T-RET"}),
    (SavedView.AWAITING_CALLBACK, {"T-REPLIED"}),
    (SavedView.MINE, {"T-OVER", "T-SOON", "T-LATER", "T-SECRET", "T-RET", "T-REPLIED",
                      "T-CLOSED"}),  # op01 registered them all
    (SavedView.UNSENT, set()),
    (SavedView.FLAGGED, set()),  # redone twice, but closed
])
def test_saved_views(screen, view, expected):
    screen.show_view(view)
    assert set(shown_ids(screen)) == expected
    assert screen.views.currentItem().text().endswith(f"({len(expected)})")


def test_confidential_callers_are_masked_and_cannot_be_found_by_their_number(qtbot, screen):
    assert cell(screen, "T-SECRET", Column.CALLER) == "王** 139****5678"
    screen.filter_edit.setText("13912345678")
    screen.apply_filter()
    assert shown_ids(screen) == []
    screen.filter_edit.setText("139****5678")
    screen.apply_filter()
    assert shown_ids(screen) == ["T-SECRET"]


def test_free_text_filter_needs_every_word(screen):
    screen.filter_edit.setText("t-ret 城市管理")
    screen.apply_filter()
    assert shown_ids(screen) == ["T-RET"]
    screen.filter_edit.setText("t-ret 教育")
    screen.apply_filter()
    assert shown_ids(screen) == []


def test_sort_by_any_column(screen):
    screen.table.sortByColumn(Column.DEADLINE, Qt.SortOrder.AscendingOrder)
    ids = shown_ids(screen)
    assert ids[:2] == ["T-OVER", "T-SOON"] and ids[-1] == "T-CLOSED"  # no deadline last
    screen.table.sortByColumn(Column.STATUS, Qt.SortOrder.DescendingOrder)
    statuses = [screen.model.row_at(n).status for n in range(screen.model.rowCount())]
    order = [s.value for s in TicketStatus]
    assert statuses == sorted(statuses, key=order.index, reverse=True)
    for column in Column:
        screen.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
        assert screen.model.rowCount() == 7


def test_time_left_in_working_time_with_colours(screen):
    assert cell(screen, "T-OVER", Column.REMAINING) == "overdue 1 h 00 min"
    assert cell(screen, "T-OVER", Column.REMAINING, Qt.ItemDataRole.ForegroundRole).color() \
        == COLOURS[DeadlineState.OVERDUE]
    assert cell(screen, "T-SOON", Column.REMAINING) == "2 h 00 min left"
    assert cell(screen, "T-SOON", Column.REMAINING, Qt.ItemDataRole.ForegroundRole).color() \
        == COLOURS[DeadlineState.AMBER]
    assert cell(screen, "T-LATER", Column.REMAINING, Qt.ItemDataRole.ForegroundRole) is None
    # A week ahead is five working days of 7 h: today's 5.5 h, Wednesday to Friday and
    # Monday, then 1.5 h next Tuesday; no "35 h left".
    assert cell(screen, "T-LATER", Column.REMAINING) == "5 working day(s) left"
    assert cell(screen, "T-RET", Column.REMAINING) == "3 working day(s) left"
    assert cell(screen, "T-CLOSED", Column.REMAINING) == ""
    assert "超期" in cell(screen, "T-OVER", Column.REMAINING, Qt.ItemDataRole.ToolTipRole)


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_sorting_by_time_left_puts_tickets_without_a_running_deadline_last(screen, order):
    screen.table.sortByColumn(Column.REMAINING, order)
    ids = shown_ids(screen)
    running = ["T-OVER", "T-SOON", "T-RET", "T-LATER", "T-SECRET"]
    assert sorted(ids[:5]) == sorted(running)
    assert set(ids[5:]) == {"T-REPLIED", "T-CLOSED"}
    most_urgent = 0 if order == Qt.SortOrder.AscendingOrder else 4
    assert ids[most_urgent] == "T-OVER"


def test_the_selection_stays_on_its_ticket_across_refresh_filter_and_sort(qtbot, screen,
                                                                         filled):
    assert screen.select_ticket("T-LATER")
    qtbot.waitUntil(lambda: screen.detail.detail is not None, timeout=10_000)
    ops.perform_ticket_command(filled, TicketCommand(
        "T-LATER", SideEvent.NOTE, NOW, "op01", {"text": "来电人补充：周末在家"}))
    screen._tasks.notify(Topic.TICKETS)
    qtbot.waitUntil(lambda: cell(screen, "T-LATER", Column.SYNC) == "Unsent", timeout=10_000)
    assert shown_ids(screen)[screen.table.currentIndex().row()] == "T-LATER"
    screen.table.sortByColumn(Column.CALLER, Qt.SortOrder.AscendingOrder)
    assert shown_ids(screen)[screen.table.currentIndex().row()] == "T-LATER"
    screen.filter_edit.setText("T-LATER")
    screen.apply_filter()
    assert screen.table.currentIndex().row() == 0
    qtbot.waitUntil(lambda: screen.detail.timeline_model.rowCount() == 2, timeout=10_000)
