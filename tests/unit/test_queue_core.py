"""Queue rows: views, the free-text filter and sorting against plain re-implementations,
and the working time left with its colours."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_app.core.calendar import CHINA_TZ, WorkingCalendar
from agent_app.core.enums import AppealType, SupervisionLevel, TicketStatus
from agent_app.core.queue import (
    Column,
    DeadlineState,
    QueueContext,
    QueueRow,
    SavedView,
    count_views,
    index_rows,
    search_text,
    select_rows,
    sort_order,
    time_left,
)

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ)
CONTEXT = QueueContext(now="2026-11-24T02:00:00.000000Z", today_end="2026-11-24T15:59:59.999999Z",
                       mine=frozenset({"A"}), pending_extensions=frozenset({"B", "C"}),
                       today_start="2026-11-23T16:00:00.000000Z",
                       soon_end="2026-11-24T04:00:00.000000Z")
times = st.sampled_from(["", "2026-11-23T02:00:00.000000Z", "2026-11-24T05:00:00.000000Z",
                         "2026-11-30T02:00:00.000000Z"])
rows = st.builds(
    QueueRow,
    id=st.sampled_from(["A", "B", "C", "D", "E"]),
    created_at=times.filter(bool),
    caller=st.sampled_from(["张先生 13800000000", "王** 139****5678", "", "李女士"]),
    appeal_type=st.sampled_from([t.value for t in AppealType]),
    category=st.sampled_from(["城市管理/路灯照明", "教育/学区划片", ""]),
    unit=st.sampled_from(["市城市管理局", "市住建局", ""]),
    status=st.sampled_from([s.value for s in TicketStatus]),
    deadline=times,
    redo_count=st.integers(0, 3),
    supervision_level=st.sampled_from(["", *[s.value for s in SupervisionLevel]]),
    sync_state=st.sampled_from(["draft", "unsent", "synced", "conflict"]),
    search=st.sampled_from(["a 城市管理 路灯", "b 教育", "c 路灯 市住建局"]),
)


def naive_in_view(row: QueueRow, view: SavedView) -> bool:
    running = row.status in ("dispatched", "accepted", "returned") and row.deadline != ""
    return {
        SavedView.ALL: row.sync_state != "draft",
        SavedView.MINE: row.id in CONTEXT.mine,
        SavedView.UNSENT: row.sync_state == "unsent",
        SavedView.DRAFTS: row.sync_state == "draft",
        SavedView.OVERDUE: running and row.deadline < CONTEXT.now,
        SavedView.DUE_TODAY: running and CONTEXT.now <= row.deadline <= CONTEXT.today_end,
        SavedView.RETURNED: row.status == "returned",
        SavedView.EXTENSIONS: row.id in CONTEXT.pending_extensions
        and row.status in ("dispatched", "accepted"),
        SavedView.AWAITING_CALLBACK: row.status == "replied",
        SavedView.FLAGGED: row.redo_count >= 2 and row.status not in (
            "closed", "answered", "merged"),
        SavedView.TODAY: row.sync_state != "draft" and row.created_at >= CONTEXT.today_start,
        SavedView.ANSWERED_TODAY: row.sync_state != "draft" and row.status == "answered"
        and row.created_at >= CONTEXT.today_start,
        SavedView.MINE_OPEN: row.id in CONTEXT.mine and row.status not in (
            "closed", "answered", "merged"),
        SavedView.DUE_SOON: running and CONTEXT.now <= row.deadline <= CONTEXT.soon_end,
    }[view]


@given(st.lists(rows, max_size=30), st.sampled_from(list(SavedView)),
       st.sampled_from(["", "路灯", "路灯 a", "教育", "zzz"]))
def test_filtering_matches_a_plain_reading_of_the_views(table, view, text):
    index = index_rows(table, CONTEXT)
    order = list(range(len(table)))
    expected = [n for n, row in enumerate(table) if naive_in_view(row, view)
                and all(word in row.search for word in text.split())]
    assert select_rows(index, order, view, text) == expected
    assert count_views(index)[view] == sum(naive_in_view(r, view) for r in table)


@given(st.lists(rows, max_size=30), st.sampled_from(list(Column)), st.booleans())
def test_sorting_is_a_stable_sort_by_the_column(table, column, descending):
    order = sort_order(index_rows(table, CONTEXT), column, descending)
    assert sorted(order) == list(range(len(table)))
    status_rank = [s.value for s in TicketStatus]

    def key(row: QueueRow) -> object:
        if column in (Column.DEADLINE, Column.REMAINING):
            return row.deadline or "~"
        if column is Column.STATUS:
            return status_rank.index(row.status)
        if column is Column.CALLER:
            return row.caller.encode()
        return {Column.ID: row.id, Column.CREATED: row.created_at,
                Column.APPEAL_TYPE: [t.value for t in AppealType].index(row.appeal_type),
                Column.CATEGORY: row.category, Column.UNIT: row.unit,
                Column.REDO: row.redo_count, Column.SYNC: row.sync_state,
                Column.SUPERVISION: ["", *[s.value for s in SupervisionLevel]].index(
                    row.supervision_level)}[column]

    def has_value(row: QueueRow) -> bool:
        if column is Column.DEADLINE:
            return bool(row.deadline)
        if column is Column.REMAINING:  # a clock runs: a deadline and an open handling state
            return bool(row.deadline) and row.status in ("dispatched", "accepted", "returned")
        return True

    # Rows without a value come last in both directions, in cache order.
    present = [n for n in range(len(table)) if has_value(table[n])]
    expected = sorted(present, key=lambda n: key(table[n]), reverse=descending)
    expected += [n for n in range(len(table)) if not has_value(table[n])]
    assert order == expected


@pytest.mark.parametrize("descending", [False, True])
def test_tickets_without_a_deadline_sort_last_by_time_left_in_both_directions(descending):
    def row(ticket_id: str, status: str, deadline: str) -> QueueRow:
        return QueueRow(ticket_id, "2026-11-20T00:00:00.000000Z", "", "help", "", "", status,
                        deadline, 0, "", "synced", ticket_id)

    table = [row("none", "registered", ""), row("late", "accepted", "2026-11-26T00:00:00Z"),
             row("closed", "closed", "2026-11-21T00:00:00Z"),
             row("soon", "dispatched", "2026-11-25T00:00:00Z")]
    index = index_rows(table, CONTEXT)
    ids = [table[n].id for n in sort_order(index, Column.REMAINING, descending)]
    assert ids == (["late", "soon"] if descending else ["soon", "late"]) + ["none", "closed"]
    by_deadline = [table[n].id for n in sort_order(index, Column.DEADLINE, descending)]
    assert by_deadline[-1] == "none"


def test_filtering_in_a_sorted_order_keeps_it_sorted():
    table = [QueueRow(str(n), f"2026-11-2{n}T00:00:00.000000Z", "", "help", "", "", "accepted",
                      "", 0, "", "synced", search_text(str(n), "路灯" if n % 2 else "教育"))
             for n in range(6)]
    index = index_rows(table, CONTEXT)
    newest_first = sort_order(index, Column.CREATED, True)
    assert select_rows(index, newest_first, SavedView.ALL, "路灯") == [5, 3, 1]


def test_time_left_is_working_time_coloured_by_how_close():
    calendar = WorkingCalendar()
    # Tuesday 10:00; the deadline Wednesday 10:00 is 7 working hours away.
    tomorrow = time_left(NOW + timedelta(days=1), "accepted", NOW, calendar)
    assert tomorrow is not None and (tomorrow.minutes, tomorrow.state) == (420, DeadlineState.OK)
    soon = time_left(NOW + timedelta(hours=4), "dispatched", NOW, calendar)  # lunch inside
    assert soon is not None and (soon.minutes, soon.state) == (120, DeadlineState.AMBER)
    late = time_left(NOW - timedelta(hours=1), "returned", NOW, calendar)
    assert late is not None and (late.minutes, late.state) == (-60, DeadlineState.OVERDUE)
    assert time_left(NOW, "closed", NOW, calendar) is None
    assert time_left(None, "accepted", NOW, calendar) is None
