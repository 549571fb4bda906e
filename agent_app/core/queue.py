"""The ticket queue as plain rows: saved views, the free-text filter and sorting, fast enough
for 100k cached tickets (DESIGN.md §8: filter and sort ≤ 100 ms).

Rows are tuples of strings and ints made once when the cache is read. Times stay in the
stored form (fixed-width UTC text), so comparing and sorting them never parses a date; the
caller is already masked when confidential, so no list can show what it must not.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any, NamedTuple

from agent_app.core.actions import LEAD_ATTENTION_REDOS
from agent_app.core.calendar import WorkingCalendar
from agent_app.core.enums import AppealType, SupervisionLevel, TicketStatus
from agent_app.core.i18n import QT_TRANSLATE_NOOP
from agent_app.core.lifecycle import DEADLINE_RUNNING_STATES, WITH_UNIT_STATES

# The states whose deadline is running, as the stored texts the rows carry.
RUNNING_STATES = frozenset(state.value for state in DEADLINE_RUNNING_STATES)
DRAFT_STATE = "draft"  # a saved intake form: not a ticket yet
AMBER_WORKING_HOURS = 4
DUE_SOON_HOURS = 2


class QueueRow(NamedTuple):
    id: str
    created_at: str  # stored UTC text: text order is time order
    caller: str  # name and phone as shown; masked when the caller is confidential
    appeal_type: str
    category: str
    unit: str
    status: str
    deadline: str  # stored UTC text, "" when there is none
    redo_count: int
    supervision_level: str
    sync_state: str
    search: str  # lower-case text the free-text filter looks in


class Column(IntEnum):
    ID = 0
    CREATED = 1
    CALLER = 2
    APPEAL_TYPE = 3
    CATEGORY = 4
    UNIT = 5
    STATUS = 6
    DEADLINE = 7
    REMAINING = 8
    REDO = 9
    SUPERVISION = 10
    SYNC = 11


COLUMN_TITLES: dict[Column, str] = {
    Column.ID: QT_TRANSLATE_NOOP("QueueColumn", "Ticket"),
    Column.CREATED: QT_TRANSLATE_NOOP("QueueColumn", "Received"),
    Column.CALLER: QT_TRANSLATE_NOOP("QueueColumn", "Caller"),
    Column.APPEAL_TYPE: QT_TRANSLATE_NOOP("QueueColumn", "Type"),
    Column.CATEGORY: QT_TRANSLATE_NOOP("QueueColumn", "Category"),
    Column.UNIT: QT_TRANSLATE_NOOP("QueueColumn", "Unit"),
    Column.STATUS: QT_TRANSLATE_NOOP("QueueColumn", "Status"),
    Column.DEADLINE: QT_TRANSLATE_NOOP("QueueColumn", "Deadline"),
    Column.REMAINING: QT_TRANSLATE_NOOP("QueueColumn", "Time left"),
    Column.REDO: QT_TRANSLATE_NOOP("QueueColumn", "Redo"),
    Column.SUPERVISION: QT_TRANSLATE_NOOP("QueueColumn", "Supervision"),
    Column.SYNC: QT_TRANSLATE_NOOP("QueueColumn", "Sync"),
}


class SavedView(StrEnum):
    ALL = "all"
    MINE = "mine"
    UNSENT = "unsent"
    DRAFTS = "drafts"
    OVERDUE = "overdue"
    DUE_TODAY = "due_today"
    RETURNED = "returned"
    EXTENSIONS = "extensions"
    AWAITING_CALLBACK = "awaiting_callback"
    FLAGGED = "flagged"
    TODAY = "today"  # registered today (Beijing time): the calls of this shift
    ANSWERED_TODAY = "answered_today"  # of those, answered directly on the call
    MINE_OPEN = "mine_open"  # my tickets not closed yet
    DUE_SOON = "due_soon"  # deadline within the next two hours


VIEW_TITLES: dict[SavedView, str] = {
    SavedView.ALL: QT_TRANSLATE_NOOP("SavedView", "All tickets"),
    SavedView.MINE: QT_TRANSLATE_NOOP("SavedView", "My tickets"),
    SavedView.TODAY: QT_TRANSLATE_NOOP("SavedView", "Registered today"),
    SavedView.ANSWERED_TODAY: QT_TRANSLATE_NOOP("SavedView", "Answered directly today"),
    SavedView.MINE_OPEN: QT_TRANSLATE_NOOP("SavedView", "My open tickets"),
    SavedView.DUE_SOON: QT_TRANSLATE_NOOP("SavedView", "Due within 2 hours"),
    SavedView.UNSENT: QT_TRANSLATE_NOOP("SavedView", "Unsent"),
    SavedView.DRAFTS: QT_TRANSLATE_NOOP("SavedView", "Drafts"),
    SavedView.OVERDUE: QT_TRANSLATE_NOOP("SavedView", "Overdue"),
    SavedView.DUE_TODAY: QT_TRANSLATE_NOOP("SavedView", "Due today"),
    SavedView.RETURNED: QT_TRANSLATE_NOOP("SavedView", "Returned"),
    SavedView.EXTENSIONS: QT_TRANSLATE_NOOP("SavedView", "Extension requests"),
    SavedView.AWAITING_CALLBACK: QT_TRANSLATE_NOOP("SavedView", "Awaiting callback"),
    SavedView.FLAGGED: QT_TRANSLATE_NOOP("SavedView", "Redone twice"),
}


@dataclass(frozen=True)
class QueueContext:
    """What the views need besides the rows, as of one moment."""

    now: str  # stored UTC text of "now"
    today_end: str  # stored UTC text of the end of today in China
    mine: frozenset[str] = field(default_factory=frozenset)  # tickets I acted on
    pending_extensions: frozenset[str] = field(default_factory=frozenset)
    today_start: str = ""  # stored UTC text of the start of today in China ("": no view)
    soon_end: str = ""  # stored UTC text of now + DUE_SOON_HOURS


_WITH_UNIT = frozenset(state.value for state in WITH_UNIT_STATES)
_CLOSED = frozenset({TicketStatus.CLOSED.value, TicketStatus.ANSWERED.value,
                     TicketStatus.MERGED.value})


def search_text(*parts: str) -> str:
    return " ".join(part for part in parts if part).lower()


@dataclass(frozen=True)
class QueueIndex:
    """Rows ready for filtering: which rows each saved view holds (one byte per row) and the
    search texts as a plain list. Built off the GUI thread; filtering then touches no Python
    object per row but an int and a string."""

    rows: Sequence[QueueRow]
    context: QueueContext
    search: list[str]
    views: dict[SavedView, bytearray]
    keys: dict[Column, Sequence[int]]


def index_rows(rows: Sequence[QueueRow], context: QueueContext) -> QueueIndex:
    """Where the saved views are defined: one list comprehension each, which is several
    times faster than calling a predicate per row."""
    now, today_end, mine = context.now, context.today_end, context.mine
    running = [r.status in RUNNING_STATES and r.deadline != "" for r in rows]
    start, soon = context.today_start, context.soon_end
    # The views added for the start-of-shift cards are built as bytes straight away: no
    # list of 100k Python objects each, which kept the resident memory above its budget.
    today = bytearray(bool(start) and r.sync_state != DRAFT_STATE and r.created_at >= start
                      for r in rows)
    views: dict[SavedView, list[bool] | bytearray] = {
        SavedView.ALL: [r.sync_state != DRAFT_STATE for r in rows],
        SavedView.MINE: [r.id in mine for r in rows],
        SavedView.UNSENT: [r.sync_state == "unsent" for r in rows],
        SavedView.DRAFTS: [r.sync_state == DRAFT_STATE for r in rows],
        SavedView.OVERDUE: [go and r.deadline < now for go, r in zip(running, rows, strict=True)],
        SavedView.DUE_TODAY: [go and now <= r.deadline <= today_end
                              for go, r in zip(running, rows, strict=True)],
        SavedView.RETURNED: [r.status == TicketStatus.RETURNED.value for r in rows],
        SavedView.EXTENSIONS: [r.id in context.pending_extensions and r.status in _WITH_UNIT
                               for r in rows],
        SavedView.AWAITING_CALLBACK: [r.status == TicketStatus.REPLIED.value for r in rows],
        SavedView.FLAGGED: [r.redo_count >= LEAD_ATTENTION_REDOS and r.status not in _CLOSED
                            for r in rows],
        SavedView.TODAY: today,
        SavedView.ANSWERED_TODAY: bytearray(bool(t) and r.status == TicketStatus.ANSWERED.value
                                            for t, r in zip(today, rows, strict=True)),
        SavedView.MINE_OPEN: bytearray(r.id in mine and r.status not in _CLOSED for r in rows),
        SavedView.DUE_SOON: bytearray(go and now <= r.deadline <= soon
                                      for go, r in zip(running, rows, strict=True)),
    }
    return QueueIndex(rows, context, [r.search for r in rows],
                      {view: flags if isinstance(flags, bytearray) else bytearray(flags)
                       for view, flags in views.items()},
                      sort_keys(rows))


def select_rows(index: QueueIndex, order: Iterable[int], view: SavedView, text: str
                ) -> list[int]:
    """The positions, taken in `order`, of the rows in `view` whose search text holds every
    word of `text`. Going through a sorted order keeps the result sorted without sorting."""
    mask, search = index.views[view], index.search
    words = text.lower().split()
    if not words:
        return [n for n in order if mask[n]]
    first, *others = words
    found = [n for n in order if mask[n] and first in search[n]]
    for word in others:  # each further word narrows what the first one found
        found = [n for n in found if word in search[n]]
    return found


def count_views(index: QueueIndex) -> dict[SavedView, int]:
    return {view: mask.count(1) for view, mask in index.views.items()}


_STATUS_RANK = {status.value: n for n, status in enumerate(TicketStatus)}
_TYPE_RANK = {kind.value: n for n, kind in enumerate(AppealType)}
_LEVEL_RANK = {"": 0, **{level.value: n + 1 for n, level in enumerate(SupervisionLevel)}}
_NO_DEADLINE = "~"  # after every time text
_FIELD = {Column.ID: 0, Column.CREATED: 1, Column.CALLER: 2, Column.APPEAL_TYPE: 3,
          Column.CATEGORY: 4, Column.UNIT: 5, Column.STATUS: 6, Column.DEADLINE: 7,
          Column.REMAINING: 7, Column.REDO: 8, Column.SUPERVISION: 9, Column.SYNC: 10}
# Columns whose order is the workflow's (or the ladder's), not the alphabet's.
_RANKS: dict[Column, dict[str, int]] = {Column.STATUS: _STATUS_RANK,
                                         Column.APPEAL_TYPE: _TYPE_RANK,
                                         Column.SUPERVISION: _LEVEL_RANK}


def sort_keys(rows: Sequence[QueueRow]) -> dict[Column, Sequence[int]]:
    """For each column, the key every row sorts by; built with the index, off the GUI thread,
    so a header click only sorts. Every key is a small int: the workflow's (or the ladder's)
    rank, or the value's rank among the column's values. Python compares ints twice as fast
    as text, and an array of them takes no more memory than a list of the strings."""
    keys: dict[Column, Sequence[int]] = {}
    for column, field_index in _FIELD.items():
        if column is Column.REMAINING:
            continue
        if column in _RANKS:
            rank: Mapping[Any, int] = _RANKS[column]
            keys[column] = [rank.get(row[field_index], -1) for row in rows]
        elif column is Column.REDO:
            keys[column] = [row.redo_count for row in rows]
        elif column is Column.DEADLINE:
            keys[column] = _ranks([row.deadline or _NO_DEADLINE for row in rows],
                                  missing=_NO_DEADLINE)
        else:
            # Text (ids, times in their fixed-width stored form, callers, names): the rank
            # keeps the text's order; Chinese sorts by code point, as it did before.
            keys[column] = _ranks([row[field_index] for row in rows])
    # Time left runs with the deadline, while a clock runs at all: a closed or answered
    # ticket has no time left and goes with the tickets that have no deadline.
    deadline_keys = keys[Column.DEADLINE]
    keys[Column.REMAINING] = array("l", (
        key if row.status in RUNNING_STATES else MISSING_KEY
        for key, row in zip(deadline_keys, rows, strict=True)))
    return keys


MISSING_KEY = -1  # a row with no value in a column that has "no value" (no deadline)
_LAST_WHEN_MISSING = frozenset({Column.DEADLINE, Column.REMAINING})


def _ranks(values: list[Any], missing: Any = None) -> array[int]:
    order = {value: n for n, value in enumerate(sorted(set(values)))}
    if missing is not None:
        order[missing] = MISSING_KEY
    return array("l", [order[value] for value in values])


def sort_order(index: QueueIndex, column: Column, descending: bool) -> list[int]:
    """Every row position, sorted by `column`; stable, so equal rows keep the cache order.
    Rows without a deadline (or without a running clock, for the time left) come last in
    both directions: the lead sorts by time left to see what is due, never what is not."""
    keys = index.keys[column]
    positions = range(len(keys))
    if column not in _LAST_WHEN_MISSING:
        return sorted(positions, key=keys.__getitem__, reverse=descending)
    present = [n for n in positions if keys[n] != MISSING_KEY]
    present.sort(key=keys.__getitem__, reverse=descending)
    return present + [n for n in positions if keys[n] == MISSING_KEY]


class DeadlineState(StrEnum):
    """How the time left is coloured."""

    NONE = "none"
    OK = "ok"
    AMBER = "amber"  # due within AMBER_WORKING_HOURS working hours
    OVERDUE = "overdue"


@dataclass(frozen=True)
class TimeLeft:
    minutes: int  # working minutes; negative when overdue
    state: DeadlineState

    def split(self, minutes_per_day: int) -> tuple[int, int, int]:
        """(working days, hours, minutes) of the time left or overdue, all non-negative:
        a week is "5 working days", not "35 hours"."""
        days, rest = divmod(abs(self.minutes), minutes_per_day)
        hours, minutes = divmod(rest, 60)
        return days, hours, minutes


def time_left(deadline: datetime | None, status: str, now: datetime,
              calendar: WorkingCalendar) -> TimeLeft | None:
    """Working time until the deadline while it is running; None when no clock runs."""
    if deadline is None or status not in RUNNING_STATES:
        return None
    left = calendar.working_time_between(now, deadline)
    minutes = int(left.total_seconds() // 60)
    if deadline <= now:
        return TimeLeft(min(minutes, 0), DeadlineState.OVERDUE)
    if minutes <= AMBER_WORKING_HOURS * 60:
        return TimeLeft(minutes, DeadlineState.AMBER)
    return TimeLeft(minutes, DeadlineState.OK)
