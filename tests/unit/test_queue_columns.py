"""The queue's columnar store against a straightforward list of rows: the same rows, views and
orders for random tickets, filters and sorts, also after rows are replaced, added and removed
one refresh at a time (issue #20)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from agent_app.core import queue as queue_module
from agent_app.core.enums import AppealType, SupervisionLevel, TicketStatus
from agent_app.core.queue import (
    BLOCK_ROWS,
    KEPT_SORT_COLUMNS,
    NO_TIME,
    RANK_GAP,
    Column,
    QueueColumns,
    QueueContext,
    QueueRow,
    SavedView,
    TextColumn,
    count_views,
    goes_before,
    index_rows,
    keep_sort_keys,
    place,
    select_rows,
    sort_keys,
    sort_keys_of,
    sort_order,
    time_key,
    time_text,
    update_index,
)

STORED = "%Y-%m-%dT%H:%M:%S.%fZ"


def stored(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(STORED)


def context(now: datetime, mine: frozenset[str] = frozenset(),
            extensions: frozenset[str] = frozenset()) -> QueueContext:
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return QueueContext(now=stored(now), today_end=stored(day_start + timedelta(days=1)),
                        mine=mine, pending_extensions=extensions,
                        today_start=stored(day_start), soon_end=stored(now + timedelta(hours=2)))


NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
moments = st.integers(-3 * 24 * 60, 3 * 24 * 60).map(
    lambda minutes: stored(NOW + timedelta(minutes=minutes, microseconds=minutes % 7)))
ids = st.sampled_from([f"T-{n}" for n in range(12)])
rows = st.builds(
    QueueRow,
    id=ids,
    created_at=moments,
    caller=st.sampled_from(["张先生 13800000000", "王** 139****5678", "", "Li Lei", "李女士"]),
    appeal_type=st.sampled_from([t.value for t in AppealType]),
    category=st.sampled_from(["城市管理/路灯照明", "教育/学区划片", ""]),
    unit=st.sampled_from(["市城市管理局", "市住建局", ""]),
    status=st.sampled_from([s.value for s in TicketStatus]),
    deadline=st.one_of(st.just(""), moments),
    redo_count=st.integers(0, 3),
    supervision_level=st.sampled_from(["", *[s.value for s in SupervisionLevel]]),
    sync_state=st.sampled_from(["draft", "unsent", "synced", "conflict"]),
    search=st.sampled_from(["t-1 城市管理 路灯", "b 教育", "c 路灯 市住建局", ""]),
)
words = st.sampled_from(["", "路灯", "路灯 t-1", "教育", "zzz", "市"])


def unique(table: list[QueueRow]) -> list[QueueRow]:
    seen: dict[str, QueueRow] = {}
    for row in table:
        seen.setdefault(row.id, row)
    return list(seen.values())


# Four-digit years: what the stored form (and the wire's bounds on times) gives.
@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1),
                    timezones=st.just(UTC)),
       st.datetimes(min_value=datetime(1000, 1, 2), timezones=st.just(UTC)))
def test_time_keys_keep_the_order_of_the_stored_texts_and_give_them_back(a, b):
    text_a, text_b = stored(a), stored(b)
    assert time_text(time_key(text_a)) == text_a
    assert (time_key(text_a) < time_key(text_b)) == (text_a < text_b)
    assert time_key("") == NO_TIME < time_key(text_a)


@given(st.lists(st.text(alphabet="ab路灯\n ", max_size=6), max_size=3 * BLOCK_ROWS // 2),
       st.lists(st.tuples(st.integers(0, 10_000), st.text(alphabet="ab路", max_size=4)),
                max_size=5),
       st.text(alphabet="ab路灯", min_size=1, max_size=2))
@settings(max_examples=60)
def test_texts_in_blocks_read_and_search_like_a_list(texts, writes, word):
    column = TextColumn()
    plain = [text.replace("\n", " ") for text in texts]  # a row's text holds no line break
    half = len(texts) // 3
    for text in texts[:half]:
        column.append(text)
    column.extend(texts[half:])  # a batch (the first read)
    for where, text in writes:
        if plain:
            column[where % len(plain)] = text
            plain[where % len(plain)] = text
    assert len(column) == len(plain)
    assert [column[n] for n in range(len(plain))] == plain
    assert list(column.rows_holding(word)) == [int(word in text) for text in plain]


@given(st.lists(rows, max_size=40))
def test_columns_give_back_the_rows_they_were_given(table):
    columns = QueueColumns.from_rows(table)
    assert list(columns) == table
    assert columns.live_rows() == table


def plain_views(table: list[QueueRow], ctx: QueueContext) -> dict[SavedView, list[int]]:
    """The views read off the rows one by one, as a person would."""
    def running(row: QueueRow) -> bool:
        return row.status in ("dispatched", "accepted", "returned") and row.deadline != ""

    closed = ("closed", "answered", "merged")
    today = [row.sync_state != "draft" and row.created_at >= ctx.today_start for row in table]
    tests = {
        SavedView.ALL: lambda n, r: r.sync_state != "draft",
        SavedView.MINE: lambda n, r: r.id in ctx.mine,
        SavedView.UNSENT: lambda n, r: r.sync_state == "unsent",
        SavedView.DRAFTS: lambda n, r: r.sync_state == "draft",
        SavedView.OVERDUE: lambda n, r: running(r) and r.deadline < ctx.now,
        SavedView.DUE_TODAY: lambda n, r: running(r) and ctx.now <= r.deadline <= ctx.today_end,
        SavedView.RETURNED: lambda n, r: r.status == "returned",
        SavedView.EXTENSIONS: lambda n, r: r.id in ctx.pending_extensions
        and r.status in ("dispatched", "accepted"),
        SavedView.AWAITING_CALLBACK: lambda n, r: r.status == "replied",
        SavedView.FLAGGED: lambda n, r: r.redo_count >= 2 and r.status not in closed,
        SavedView.TODAY: lambda n, r: today[n],
        SavedView.ANSWERED_TODAY: lambda n, r: today[n] and r.status == "answered",
        SavedView.MINE_OPEN: lambda n, r: r.id in ctx.mine and r.status not in closed,
        SavedView.DUE_SOON: lambda n, r: running(r) and ctx.now <= r.deadline <= ctx.soon_end,
    }
    return {view: [int(test(n, row)) for n, row in enumerate(table)]
            for view, test in tests.items()}


def plain_order(table: list[QueueRow], column: Column, descending: bool) -> list[int]:
    status_rank = [s.value for s in TicketStatus]
    type_rank = [t.value for t in AppealType]
    level_rank = ["", *[s.value for s in SupervisionLevel]]

    def key(row: QueueRow) -> object:
        return {Column.ID: row.id, Column.CREATED: row.created_at, Column.CALLER: row.caller,
                Column.APPEAL_TYPE: type_rank.index(row.appeal_type),
                Column.CATEGORY: row.category, Column.UNIT: row.unit,
                Column.STATUS: status_rank.index(row.status), Column.DEADLINE: row.deadline,
                Column.REMAINING: row.deadline, Column.REDO: row.redo_count,
                Column.SUPERVISION: level_rank.index(row.supervision_level),
                Column.SYNC: row.sync_state}[column]

    def has_value(row: QueueRow) -> bool:
        if column is Column.DEADLINE:
            return bool(row.deadline)
        if column is Column.REMAINING:
            return bool(row.deadline) and row.status in ("dispatched", "accepted", "returned")
        return True

    present = [n for n, row in enumerate(table) if has_value(row)]
    return (sorted(present, key=lambda n: key(table[n]), reverse=descending)
            + [n for n, row in enumerate(table) if not has_value(row)])


# One refresh: rows replaced (by id), new rows, tickets gone; time moves on; tickets become mine.
changes = st.lists(st.one_of(
    st.tuples(st.just("put"), rows),
    st.tuples(st.just("remove"), ids),
), max_size=8)


@given(st.lists(rows, max_size=25).map(unique), st.lists(changes, max_size=3),
       st.sampled_from(list(Column)), st.booleans(), st.sampled_from(list(SavedView)), words,
       st.lists(st.integers(0, 3000), min_size=3, max_size=3),  # across midnight too
       st.lists(st.frozensets(ids, max_size=4), min_size=4, max_size=4))
@settings(max_examples=150, deadline=None)
def test_refreshes_give_what_a_fresh_read_of_the_same_rows_gives(
        table, refreshes, column, descending, view, text, minutes, id_sets):
    columns = QueueColumns.from_rows(table)
    index = index_rows(columns, context(NOW, id_sets[0], id_sets[1]))
    order = sort_order(index, column, descending)
    shown = select_rows(index, order, view, text)
    for step, refresh in enumerate(refreshes):
        changed: set[int] = set()
        for kind, value in refresh:
            if kind == "put":
                assert isinstance(value, QueueRow)
                changed.add(columns.put((
                    value.id, time_key(value.created_at), value.caller, value.appeal_type,
                    value.category, value.unit, value.status, time_key(value.deadline),
                    value.redo_count, value.supervision_level, value.sync_state,
                    value.search)))
            else:
                gone = columns.remove(str(value))
                if gone is not None:
                    changed.add(gone)
        now = NOW + timedelta(minutes=minutes[step])
        ctx = context(now, id_sets[(step + 1) % 4], id_sets[(step + 2) % 4])
        affected = update_index(index, ctx, changed)
        # What the table does with them: the changed rows taken out, then put in their place.
        removed = columns.removed
        before = goes_before(sort_keys(columns, column), column, descending)
        placed = [n for n in affected if not removed[n]]
        order = place([n for n in order if n not in affected], placed, before)
        words = text.lower().split()
        shown = place([n for n in shown if n not in affected],
                      [n for n in placed if index.views[view][n]
                       and all(word in columns.search[n] for word in words)], before)

        live = [n for n in range(len(columns)) if not removed[n]]
        live_rows = [columns[n] for n in live]
        fresh = index_rows(live_rows, ctx)
        # The same views, counts, order and shown rows as indexing the live rows afresh.
        expected_views = plain_views(live_rows, ctx)
        for each, mask in index.views.items():
            assert [mask[n] for n in live] == expected_views[each], each
            assert all(not mask[n] for n in range(len(columns)) if removed[n])
        assert count_views(index) == count_views(fresh)
        fresh_order = [live[n] for n in plain_order(live_rows, column, descending)]
        assert [n for n in order if not removed[n]] == fresh_order
        assert shown == [live[n] for n in select_rows(
            fresh, sort_order(fresh, column, descending), view, text)]


# Sort keys kept for the text columns (ticket number, caller) between sorts: after any run of
# refreshes they sort exactly as comparing the texts does, also when new texts leave no room
# between two ranks (a small gap forces the key to be made afresh).
kept_rows = st.builds(
    QueueRow, id=st.text(alphabet="T-1张", min_size=1, max_size=4), created_at=moments,
    caller=st.text(alphabet="ab 张王1", max_size=4),
    appeal_type=st.sampled_from([t.value for t in AppealType]),
    category=st.just(""), unit=st.just(""),
    status=st.sampled_from([s.value for s in TicketStatus]), deadline=st.just(""),
    redo_count=st.just(0), supervision_level=st.just(""),
    sync_state=st.sampled_from(["unsent", "synced"]), search=st.just(""))
kept_changes = st.lists(st.one_of(st.tuples(st.just("put"), kept_rows),
                                  st.tuples(st.just("remove"), st.text(alphabet="T-1张",
                                                                       max_size=4))),
                        max_size=10)


@given(st.lists(kept_rows, max_size=30).map(unique), st.lists(kept_changes, max_size=4),
       st.sampled_from(KEPT_SORT_COLUMNS), st.booleans(), st.sampled_from([1, 2, RANK_GAP]))
@settings(max_examples=200, deadline=None)
def test_kept_sort_keys_sort_like_the_texts_after_refreshes(table, refreshes, column,
                                                            descending, gap):
    with patch.object(queue_module, "RANK_GAP", gap):
        columns = QueueColumns.from_rows(table)
        index = index_rows(columns, context(NOW))
        keep_sort_keys(index)
        for refresh in refreshes:
            changed: set[int] = set()
            for kind, value in refresh:
                if kind == "put":
                    assert isinstance(value, QueueRow)
                    changed.add(columns.put((
                        value.id, time_key(value.created_at), value.caller, value.appeal_type,
                        value.category, value.unit, value.status, time_key(value.deadline),
                        value.redo_count, value.supervision_level, value.sync_state,
                        value.search)))
                else:
                    gone = columns.remove(str(value))
                    if gone is not None:
                        changed.add(gone)
            update_index(index, context(NOW), changed)
            kept = index.ranks[column]
            count = len(columns)
            assert kept.count == index.count == count
            texts = [columns.ids[n] if column is Column.ID else columns.callers[n]
                     for n in range(count)]
            # The ranks order the rows as their texts do, alike texts alike.
            assert list(kept.order) == sorted(range(count), key=lambda n: (texts[n], n))
            for a in range(count):
                for b in range(count):
                    assert (kept.ranks[a] < kept.ranks[b]) == (texts[a] < texts[b])
            if kept.distinct:  # may say "not distinct" of rows that no longer are alike
                assert len(set(texts)) == count
            # The sort with them: what a plain sort of the live rows gives.
            removed = columns.removed
            live = [n for n in range(count) if not removed[n]]
            expected = [live[n] for n in plain_order([columns[n] for n in live], column,
                                                     descending)]
            assert [n for n in sort_order(index, column, descending)
                    if not removed[n]] == expected
            # And the test the table places changed rows with agrees with it.
            before = goes_before(sort_keys_of(index, column), column, descending)
            assert place([], live, before) == expected


@given(st.lists(rows, min_size=1, max_size=20), st.integers(0, 300))
@settings(max_examples=30, deadline=None)
def test_views_are_the_same_with_more_short_texts_than_a_byte_holds(table, units):
    """The views look codes up a byte a row while every code fits in one; past 255 short
    texts (units, categories...) they take the other way, with the same result."""
    many = [QueueRow(f"U-{n}", stored(NOW), "", "complaint", "", f"单位{n}", "dispatched",
                     stored(NOW), 0, "", "synced", "") for n in range(units)]
    everything = unique([*many, *table])
    ctx = context(NOW + timedelta(minutes=30), frozenset({"T-1", "U-3"}), frozenset({"T-2"}))
    index = index_rows(everything, ctx)
    expected = plain_views(everything, ctx)
    for view, mask in index.views.items():
        assert list(mask) == expected[view], view
