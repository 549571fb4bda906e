"""The ticket queue as plain rows: saved views, the free-text filter and sorting, fast enough
for 100k cached tickets (DESIGN.md §8: filter and sort ≤ 100 ms).

Rows are stored by column (QueueColumns): per row only its id is an object of its own
(callers and search texts are kept in blocks of rows); times are int keys (microseconds, in
the order of the stored text) and the short repeated texts codes into one table. A refresh
replaces the rows of the tickets that changed and works out their views again (update_index);
the table then moves only those rows.
The caller is already masked when confidential, so no list can show what it must not.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import IntEnum, StrEnum
from itertools import accumulate, compress, repeat
from typing import Any, NamedTuple, overload

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


# Times -----------------------------------------------------------------------------------------
NO_TIME = -(2**63)  # the key of "no time" (no deadline): before every real time
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_DAY_KEYS: dict[str, int] = {}
_MINUTE_KEYS = {f"{h:02d}:{m:02d}": (h * 60 + m) * 60_000_000 for h in range(24) for m in range(60)}
TIME_TEXT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # the stored form (storage/schema.py)


def time_key(text: str) -> int:
    """Microseconds since 1970 of a stored UTC time text; NO_TIME for "". An int takes 8 bytes
    in an array where the text took 76, and compares in the same order."""
    if not text:
        return NO_TIME
    if len(text) == 27 and text[19] == "." and text[26] == "Z":
        # The stored form, fast: the day and the minute from small tables, then one int.
        day = _DAY_KEYS.get(text[:10])
        minute = _MINUTE_KEYS.get(text[11:16])
        if day is None:
            try:
                day = _DAY_KEYS[text[:10]] = (
                    datetime.fromisoformat(text[:10]).replace(tzinfo=UTC) - _EPOCH) // _MICROSECOND
            except ValueError:
                day = None
        if day is not None and minute is not None and text[17:19].isdigit():
            return day + minute + int(text[17:19] + text[20:26])
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICROSECOND


def time_of(key: int) -> datetime | None:
    return None if key == NO_TIME else _EPOCH + key * _MICROSECOND


def time_text(key: int) -> str:
    moment = time_of(key)
    return moment.strftime(TIME_TEXT_FORMAT) if moment else ""


# Texts in blocks -------------------------------------------------------------------------------
BLOCK_ROWS = 256


class TextColumn:
    """One text per row, kept as one string per block of BLOCK_ROWS rows joined by line
    breaks (a row's text never holds one), with where each row starts. 100k texts as 100k
    strings cost 80 bytes each before their first character; here they cost 4. Reading a
    row slices it out; the free-text filter looks in a whole block at once."""

    def __init__(self) -> None:
        self._blocks: list[str] = []  # full blocks
        self._starts: list[array[int]] = []  # per full block: each row's start, then the end
        self._open: list[str] = []  # the rows after the last full block

    def __len__(self) -> int:
        return len(self._blocks) * BLOCK_ROWS + len(self._open)

    def __getitem__(self, row: int) -> str:
        block, offset = divmod(row, BLOCK_ROWS)
        if block == len(self._blocks):
            return self._open[offset]
        starts = self._starts[block]
        return self._blocks[block][starts[offset]:starts[offset + 1] - 1]

    def __setitem__(self, row: int, text: str) -> None:
        block, offset = divmod(row, BLOCK_ROWS)
        if block == len(self._blocks):
            self._open[offset] = _one_line(text)
            return
        texts = self._blocks[block].split("\n")[:-1]
        texts[offset] = _one_line(text)
        self._blocks[block], self._starts[block] = _joined(texts)

    def append(self, text: str) -> None:
        self._open.append(_one_line(text))
        if len(self._open) == BLOCK_ROWS:
            block, starts = _joined(self._open)
            self._blocks.append(block)
            self._starts.append(starts)
            self._open = []

    def extend(self, texts: Sequence[str]) -> None:
        lines = [text.replace("\n", " ") if "\n" in text else text for text in texts]
        taken = 0
        while taken < len(lines):
            room = BLOCK_ROWS - len(self._open)
            self._open.extend(lines[taken:taken + room])
            taken += room
            if len(self._open) == BLOCK_ROWS:
                block, starts = _joined(self._open)
                self._blocks.append(block)
                self._starts.append(starts)
                self._open = []

    def texts(self, count: int | None = None) -> list[str]:
        """The first `count` texts (all of them by default) as a list, a block at a time."""
        texts: list[str] = []
        for block in self._blocks:
            texts.extend(block.split("\n")[:-1])  # the last: after the final line break
        texts.extend(self._open)
        return texts if count is None else texts[:count]

    def rows_holding(self, word: str) -> bytearray:
        """One byte per row: whether its text holds `word`."""
        found = bytearray(len(self))
        for number, block in enumerate(self._blocks):
            at = block.find(word)
            if at < 0:
                continue
            starts, base = self._starts[number], number * BLOCK_ROWS
            while at >= 0:
                row = bisect_right(starts, at) - 1
                found[base + row] = 1
                at = block.find(word, starts[row + 1])
        base = len(self._blocks) * BLOCK_ROWS
        for offset, text in enumerate(self._open):
            if word in text:
                found[base + offset] = 1
        return found


def _one_line(text: str) -> str:
    return text.replace("\n", " ") if "\n" in text else text


def _joined(texts: list[str]) -> tuple[str, array[int]]:
    starts = array("i", accumulate((len(text) + 1 for text in texts), initial=0))
    return "\n".join(texts) + "\n", starts


# The rows, by column -----------------------------------------------------------------------------
# What one row is made of on its way in: QueueRow's fields with times as keys.
RowValues = tuple[str, int, str, str, str, str, str, int, int, str, str, str]


class RowBatch(NamedTuple):
    """Rows on their way in by column: RowValues' fields, one sequence each."""

    ids: Sequence[str]
    created: Sequence[int]
    callers: Sequence[str]
    appeal_types: Sequence[str]
    categories: Sequence[str]
    units: Sequence[str]
    statuses: Sequence[str]
    deadlines: Sequence[int]
    redo_counts: Sequence[int]
    levels: Sequence[str]
    sync_states: Sequence[str]
    search: Sequence[str]


class QueueColumns(Sequence[QueueRow]):
    """The queue's rows stored by column: ids as a list, callers and search texts (the other
    texts each row has of its own) in blocks, arrays of time keys and counts, and for the
    short texts repeated from row to row (type, category, unit, status, level, sync state)
    an array of codes into one table of those texts. 100k rows take a third of the memory
    they took as one tuple of strings each.

    A row keeps its position for good: a ticket that leaves the cache is marked removed, so
    the positions that views, sort orders and the table hold stay valid. Written only by the
    queue's loader (the DB worker); read anywhere, one row at a time as a QueueRow."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.created = array("q")
        self.callers = TextColumn()
        self.appeal_types = array("I")
        self.categories = array("I")
        self.units = array("I")
        self.statuses = array("I")
        self.deadlines = array("q")
        self.redo_counts = array("i")
        self.levels = array("I")
        self.sync_states = array("I")
        self.search = TextColumn()
        self.removed = bytearray()
        self.position: dict[str, int] = {}  # ticket id → row
        self.values: list[str] = []  # the short texts, by code
        self.codes: dict[str, int] = {}

    @classmethod
    def from_rows(cls, rows: Iterable[QueueRow]) -> QueueColumns:
        """Every row, in order (ids need not be unique here: each row is one position)."""
        columns = cls()
        for row in rows:
            columns.append(_values(row))
        return columns

    def code(self, text: str) -> int:
        code = self.codes.get(text)
        if code is None:
            code = self.codes[text] = len(self.values)
            self.values.append(text)
        return code

    def append(self, values: RowValues) -> int:
        (ticket_id, created, caller, appeal_type, category, unit, status, deadline, redo,
         level, sync_state, search) = values
        code = self.code
        position = len(self.ids)
        self.position[ticket_id] = position
        self.ids.append(ticket_id)
        self.created.append(created)
        self.callers.append(caller)
        self.appeal_types.append(code(appeal_type))
        self.categories.append(code(category))
        self.units.append(code(unit))
        self.statuses.append(code(status))
        self.deadlines.append(deadline)
        self.redo_counts.append(redo)
        self.levels.append(code(level))
        self.sync_states.append(code(sync_state))
        self.search.append(search)
        self.removed.append(0)
        return position

    def extend(self, batch: Sequence[RowValues]) -> None:
        """New rows at the end, given row by row."""
        if batch:
            self.extend_columns(RowBatch(*map(list, zip(*batch, strict=True))))

    def extend_columns(self, batch: RowBatch) -> None:
        """New rows at the end, given by column (the first read): each column taken in with
        one call into C (codes looked up with `map`), no Python code run per row."""
        start = len(self.ids)
        self.position.update(zip(batch.ids, range(start, start + len(batch.ids)), strict=True))
        self.ids.extend(batch.ids)
        self.created.extend(batch.created)
        self.callers.extend(batch.callers)
        self.appeal_types.extend(self._coded(batch.appeal_types))
        self.categories.extend(self._coded(batch.categories))
        self.units.extend(self._coded(batch.units))
        self.statuses.extend(self._coded(batch.statuses))
        self.deadlines.extend(batch.deadlines)
        self.redo_counts.extend(batch.redo_counts)
        self.levels.extend(self._coded(batch.levels))
        self.sync_states.extend(self._coded(batch.sync_states))
        self.search.extend(batch.search)
        self.removed.extend(bytes(len(batch.ids)))

    def _coded(self, texts: Sequence[str]) -> array[int]:
        codes = self.codes
        for text in dict.fromkeys(texts):  # new texts get codes in the order first seen
            if text not in codes:
                self.code(text)
        return array("I", map(codes.__getitem__, texts))

    def put(self, values: RowValues) -> int:
        """The row of this ticket replaced, or a new one at the end; its position."""
        position = self.position.get(values[0])
        if position is None:
            return self.append(values)
        (_id, created, caller, appeal_type, category, unit, status, deadline, redo, level,
         sync_state, search) = values
        code = self.code
        self.created[position] = created
        self.callers[position] = caller
        self.appeal_types[position] = code(appeal_type)
        self.categories[position] = code(category)
        self.units[position] = code(unit)
        self.statuses[position] = code(status)
        self.deadlines[position] = deadline
        self.redo_counts[position] = redo
        self.levels[position] = code(level)
        self.sync_states[position] = code(sync_state)
        self.search[position] = search
        self.removed[position] = 0
        return position

    def set_sync_state(self, position: int, sync_state: str) -> None:
        self.sync_states[position] = self.code(sync_state)

    def remove(self, ticket_id: str) -> int | None:
        """Marks the ticket's row removed; its position, None when it had none."""
        position = self.position.pop(ticket_id, None)
        if position is not None:
            self.removed[position] = 1
            self.search[position] = ""
        return position

    def live_count(self) -> int:
        return len(self.ids) - self.removed.count(1)

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, position: int) -> QueueRow: ...

    @overload
    def __getitem__(self, position: slice) -> list[QueueRow]: ...

    def __getitem__(self, position: int | slice) -> QueueRow | list[QueueRow]:
        if isinstance(position, slice):
            return [self[n] for n in range(len(self))[position]]
        value = self.values
        return QueueRow(
            self.ids[position], time_text(self.created[position]), self.callers[position],
            value[self.appeal_types[position]], value[self.categories[position]],
            value[self.units[position]], value[self.statuses[position]],
            time_text(self.deadlines[position]), self.redo_counts[position],
            value[self.levels[position]], value[self.sync_states[position]],
            self.search[position])

    def live_rows(self) -> list[QueueRow]:
        return [self[n] for n in range(len(self)) if not self.removed[n]]


def _values(row: QueueRow) -> RowValues:
    return (row.id, time_key(row.created_at), row.caller, row.appeal_type, row.category,
            row.unit, row.status, time_key(row.deadline), row.redo_count,
            row.supervision_level, row.sync_state, row.search)


# Saved views -----------------------------------------------------------------------------------
# Views that hold a row because of the time, not because of the row: worked out again for
# every row at each refresh (a row becomes overdue without changing).
TIMED_VIEWS = (SavedView.OVERDUE, SavedView.DUE_TODAY, SavedView.DUE_SOON, SavedView.TODAY,
               SavedView.ANSWERED_TODAY)


@dataclass
class QueueIndex:
    """Rows ready for filtering: which rows each saved view holds (one byte per row) over the
    columns. Built off the GUI thread; filtering then touches no Python object per row but a
    byte and a string. `count` rows are indexed (the loader may have appended more since)."""

    rows: QueueColumns
    context: QueueContext
    views: dict[SavedView, bytearray]
    count: int
    # Sort keys kept between sorts for the text columns (keep_sort_keys), kept current by
    # update_index. Each entry is replaced whole, never changed in place: the GUI may sort
    # with one while the DB worker makes the next.
    ranks: dict[Column, TextRanks] = field(default_factory=dict)

    @property
    def search(self) -> TextColumn:
        return self.rows.search


def index_rows(rows: Sequence[QueueRow] | QueueColumns, context: QueueContext) -> QueueIndex:
    columns = rows if isinstance(rows, QueueColumns) else QueueColumns.from_rows(rows)
    count = len(columns)
    return QueueIndex(columns, context, _view_flags(columns, context, range(count)), count)


def _view_flags(rows: QueueColumns, context: QueueContext, positions: Sequence[int],
                only: Iterable[SavedView] = tuple(SavedView)) -> dict[SavedView, bytearray]:
    """Where the saved views are defined: for the rows at `positions` (all of them, or the few
    that changed), one flag per row and test, each made by one call into C (`map` over a
    column with a bound method or a table per code), then the tests of a view joined bit by
    bit as one big int. No Python code runs per row: 100k rows take a few milliseconds."""
    wanted = frozenset(only)

    def take(column: Sequence[Any]) -> Sequence[Any]:
        if isinstance(positions, range) and positions == range(len(column)):
            return column
        return [column[n] for n in positions]

    ids, statuses, deadlines = take(rows.ids), take(rows.statuses), take(rows.deadlines)
    syncs, created, redos = take(rows.sync_states), take(rows.created), take(rows.redo_counts)
    removed = bytearray(take(rows.removed))
    texts = list(rows.values)  # after the codes: every code taken has its text here

    small: dict[int, bytes | None] = {}  # code columns as one byte a row, when they fit

    def having(codes: Sequence[int], wanted_texts: Iterable[str]) -> bytearray:
        chosen = frozenset(wanted_texts)
        table = bytes(text in chosen for text in texts)
        if id(codes) not in small:
            try:
                small[id(codes)] = array("B", codes).tobytes()
            except OverflowError:  # a code past 255: more short texts than a byte holds
                small[id(codes)] = None
        as_bytes = small[id(codes)]
        if as_bytes is not None:  # every code below 256: the table's first 256 are enough
            return bytearray(as_bytes.translate(table[:256].ljust(256, b"\0")))
        return bytearray(map(table.__getitem__, codes))

    def flags(test: Callable[[Any], bool], column: Sequence[Any]) -> bytearray:
        return bytearray(map(test, column))

    now, today_end = time_key(context.now), time_key(context.today_end)
    start = time_key(context.today_start) if context.today_start else None
    soon = time_key(context.soon_end) if context.soon_end else NO_TIME
    mine, extensions = context.mine, context.pending_extensions
    any_live = removed.translate(_NOT)
    live = _all_of(any_live, having(syncs, (DRAFT_STATE,)).translate(_NOT))
    views: dict[SavedView, bytearray] = {}

    def want(view: SavedView) -> bool:
        return view in wanted

    running = _all_of(any_live, having(statuses, RUNNING_STATES),
                      flags(NO_TIME.__ne__, deadlines))
    not_closed = having(statuses, _CLOSED).translate(_NOT)
    if want(SavedView.ALL):
        views[SavedView.ALL] = live
    if want(SavedView.MINE) or want(SavedView.MINE_OPEN):
        of_mine = _all_of(any_live, flags(mine.__contains__, ids))
        if want(SavedView.MINE):
            views[SavedView.MINE] = of_mine
        if want(SavedView.MINE_OPEN):
            views[SavedView.MINE_OPEN] = _all_of(of_mine, not_closed)
    for view, state in ((SavedView.UNSENT, "unsent"), (SavedView.DRAFTS, DRAFT_STATE)):
        if want(view):
            views[view] = _all_of(any_live, having(syncs, (state,)))
    for view, status in ((SavedView.RETURNED, TicketStatus.RETURNED.value),
                         (SavedView.AWAITING_CALLBACK, TicketStatus.REPLIED.value)):
        if want(view):
            views[view] = _all_of(any_live, having(statuses, (status,)))
    if want(SavedView.OVERDUE):
        views[SavedView.OVERDUE] = _all_of(running, flags(now.__gt__, deadlines))
    if want(SavedView.DUE_TODAY) or want(SavedView.DUE_SOON):
        from_now = _all_of(running, flags(now.__le__, deadlines))
        if want(SavedView.DUE_TODAY):
            views[SavedView.DUE_TODAY] = _all_of(from_now, flags(today_end.__ge__, deadlines))
        if want(SavedView.DUE_SOON):
            views[SavedView.DUE_SOON] = _all_of(from_now, flags(soon.__ge__, deadlines))
    if want(SavedView.EXTENSIONS):
        views[SavedView.EXTENSIONS] = _all_of(
            any_live, flags(extensions.__contains__, ids), having(statuses, _WITH_UNIT))
    if want(SavedView.FLAGGED):
        views[SavedView.FLAGGED] = _all_of(
            any_live, flags(LEAD_ATTENTION_REDOS.__le__, redos), not_closed)
    today = (_all_of(live, flags(start.__le__, created)) if start is not None
             else bytearray(len(live)))
    if want(SavedView.TODAY):
        views[SavedView.TODAY] = today
    if want(SavedView.ANSWERED_TODAY):
        views[SavedView.ANSWERED_TODAY] = _all_of(
            today, having(statuses, (TicketStatus.ANSWERED.value,)))
    return views


_NOT = bytes([1, 0, *bytes(254)])  # for bytes.translate: flags 0 and 1 swapped


def _all_of(first: bytearray, *others: bytearray) -> bytearray:
    """Flags (bytes 0 or 1) that are 1 where all of these are: as one int, bit by bit."""
    joined = int.from_bytes(first, "little")
    for flags in others:
        joined &= int.from_bytes(flags, "little")
    return bytearray(joined.to_bytes(len(first), "little"))


def update_index(index: QueueIndex, context: QueueContext, changed: Iterable[int]) -> set[int]:
    """Takes in what the loader changed: rows appended since the index was made, the rows at
    `changed` (replaced, or removed), the new context. The views of those rows are worked out
    again, and the views bound to the time for every row. Returns every row whose values or
    views may have changed: only those need a new place in a sorted list or the table."""
    rows, old_count, count = index.rows, index.count, len(index.rows)
    affected = {n for n in changed if n < count} | set(range(old_count, count))
    old_context = index.context
    if count > old_count:
        for mask in index.views.values():
            mask.extend(bytes(count - old_count))
    for column, kept in list(index.ranks.items()):  # before the count: see kept_ranks
        index.ranks[column] = (_ranks_updated(kept, rows, column, affected, count)
                               or text_ranks(rows, column, count))
    # Only now: the GUI may sort or filter meanwhile, over `count` rows of every mask.
    index.context, index.count = context, count
    # Tickets that became mine (or got an extension request) elsewhere than in `changed`.
    position = rows.position
    for ticket in (old_context.mine ^ context.mine) | (
            old_context.pending_extensions ^ context.pending_extensions):
        if ticket in position:
            affected.add(position[ticket])
    if affected:
        ordered = sorted(affected)
        for view, flags in _view_flags(rows, context, ordered).items():
            mask = index.views[view]
            for n, flag in zip(ordered, flags, strict=True):
                mask[n] = flag
    # Rows whose time-bound views may have changed with the clock alone: their deadline (or
    # registration time) lies between the old bound and the new one. Worked out again.
    # One pass, with the windows spelt out (a window that did not move matches nothing).
    empty = (1, 0)
    (low1, high1), (low2, high2), (low3, high3) = (
        [*_windows(old_context, context, ("now", "today_end", "soon_end")), empty, empty,
         empty][:3])
    low4, high4 = [*_windows(old_context, context, ("today_start",)), empty][0]
    moved = [n for n, (deadline, created) in enumerate(zip(rows.deadlines, rows.created,
                                                           strict=True))
             if low1 <= deadline <= high1 or low2 <= deadline <= high2
             or low3 <= deadline <= high3 or low4 <= created <= high4]
    if moved:
        for view, flags in _view_flags(rows, context, moved, TIMED_VIEWS).items():
            mask = index.views[view]
            for n, flag in zip(moved, flags, strict=True):
                if mask[n] != flag:
                    mask[n] = flag
                    affected.add(n)
    return affected


def _windows(old: QueueContext, new: QueueContext, names: Sequence[str]
             ) -> list[tuple[int, int]]:
    """For each bound that moved, the keys between its old and new value (both included)."""
    windows = []
    for name in names:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            if not before or not after:  # a bound that appears or goes: every time
                return [(NO_TIME, 2**63 - 1)] * len(names)
            low, high = sorted((time_key(before), time_key(after)))
            windows.append((low, high))
    return windows


def select_rows(index: QueueIndex, order: Iterable[int], view: SavedView, text: str
                ) -> list[int]:
    """The positions, taken in `order`, of the rows in `view` whose search text holds every
    word of `text`. Going through a sorted order keeps the result sorted without sorting."""
    mask = index.views[view]
    words = text.lower().split()
    if not words:
        return [n for n in order if mask[n]]
    first, *others = words
    holding = index.search.rows_holding(first)
    found = [n for n in order if mask[n] and holding[n]]
    for word in others:  # each further word narrows what the first one found
        holding = index.search.rows_holding(word)
        found = [n for n in found if holding[n]]
    return found


def row_shown(index: QueueIndex, position: int, view: SavedView, words: Sequence[str]) -> bool:
    """Whether select_rows would keep this row (`words`: the filter text, lowered and split)."""
    search = index.rows.search[position]
    return bool(index.views[view][position]) and all(word in search for word in words)


def count_views(index: QueueIndex) -> dict[SavedView, int]:
    return {view: mask.count(1) for view, mask in index.views.items()}


# Sorting ---------------------------------------------------------------------------------------
_STATUS_RANK = {status.value: n for n, status in enumerate(TicketStatus)}
_TYPE_RANK = {kind.value: n for n, kind in enumerate(AppealType)}
_LEVEL_RANK = {"": 0, **{level.value: n + 1 for n, level in enumerate(SupervisionLevel)}}
# Columns whose order is the workflow's (or the ladder's), not the alphabet's.
_RANKS: dict[Column, dict[str, int]] = {Column.STATUS: _STATUS_RANK,
                                         Column.APPEAL_TYPE: _TYPE_RANK,
                                         Column.SUPERVISION: _LEVEL_RANK}
_LAST_WHEN_MISSING = frozenset({Column.DEADLINE, Column.REMAINING})


def sort_keys(rows: QueueColumns, column: Column, count: int | None = None
              ) -> Sequence[Any]:
    """The key every row sorts by in `column`, made when a sort asks (nothing kept per column):
    the column itself for ids, times and counts, else one value per row — the caller, the
    workflow's (or the ladder's) rank, or the text's rank among the column's texts, which
    keeps the text's order (Chinese by code point, as before). NO_TIME: no value. Only the
    first `count` rows (the loader may be adding rows on its thread meanwhile)."""
    count = len(rows) if count is None else count
    if column is Column.ID:
        return rows.ids
    if column is Column.CALLER:
        return [rows.callers[n] for n in range(count)]
    if column is Column.CREATED:
        return rows.created
    if column is Column.DEADLINE:
        return rows.deadlines
    if column is Column.REDO:
        return rows.redo_counts
    if column is Column.REMAINING:
        # Time left runs with the deadline while a clock runs at all: a closed or answered
        # ticket has no time left and goes with the tickets that have no deadline.
        statuses = rows.statuses[:count]
        running = [text in RUNNING_STATES for text in rows.values]
        return [deadline if running[status] else NO_TIME
                for deadline, status in zip(rows.deadlines[:count], statuses, strict=True)]
    codes = {Column.APPEAL_TYPE: rows.appeal_types, Column.CATEGORY: rows.categories,
             Column.UNIT: rows.units, Column.STATUS: rows.statuses,
             Column.SUPERVISION: rows.levels, Column.SYNC: rows.sync_states}[column][:count]
    values = list(rows.values)  # after the codes: every code taken has its text here
    if column in _RANKS:
        ranks = _RANKS[column]
        rank_of_code = [ranks.get(text, -1) for text in values]
    else:
        alphabetical = {text: n for n, text in enumerate(sorted(values))}
        rank_of_code = [alphabetical[text] for text in values]
    return list(map(rank_of_code.__getitem__, codes))


def sort_order(index: QueueIndex, column: Column, descending: bool) -> list[int]:
    """Every row position, sorted by `column`; stable, so equal rows keep the cache order.
    Rows without a deadline (or without a running clock, for the time left) come last in
    both directions: the lead sorts by time left to see what is due, never what is not."""
    kept = kept_ranks(index, column)
    if kept is not None:
        order = kept.order if kept.count == index.count else array(
            "i", [n for n in kept.order if n < index.count])
        if not descending:
            return order.tolist()
        if kept.distinct:  # no two rows alike: the ascending order backwards
            return order[::-1].tolist()
        # Alike rows keep the ascending order among themselves (a stable sort), and an
        # input in order already is sorted in about one pass.
        return sorted(order, key=kept.ranks.__getitem__, reverse=True)
    keys = sort_keys_of(index, column)
    positions = range(index.count)
    if column not in _LAST_WHEN_MISSING:
        return sorted(positions, key=keys.__getitem__, reverse=descending)
    present = [n for n in positions if keys[n] != NO_TIME]
    present.sort(key=keys.__getitem__, reverse=descending)
    return present + [n for n in positions if keys[n] == NO_TIME]


def sort_keys_of(index: QueueIndex, column: Column) -> Sequence[Any]:
    """sort_keys of the index's rows, or the ranks kept for the column: the same order."""
    kept = kept_ranks(index, column)
    return kept.ranks if kept is not None else sort_keys(index.rows, column, index.count)


# Sort keys kept between sorts --------------------------------------------------------------------
# Sorting 100k rows by comparing texts (the caller, the ticket number) takes several times
# longer than by comparing ints, so these columns keep an int per row between sorts.
KEPT_SORT_COLUMNS = (Column.ID, Column.CALLER)
RANK_GAP = 1 << 20  # room between two texts' ranks for texts that come in later


@dataclass(frozen=True)
class TextRanks:
    """One text column's sort key for its first `count` rows: each row's rank (alike texts
    alike ranks, in the texts' order, RANK_GAP apart at first) and the rows in that order
    (alike ones by position), which is the ascending sort itself. 100k rows: 1.2 MB."""

    count: int
    ranks: array[int]  # "q": 8 bytes a row
    order: array[int]  # "i": 4 bytes a row
    distinct: bool  # no two rows alike (then descending is `order` backwards)


def keep_sort_keys(index: QueueIndex) -> None:
    """Makes the kept sort keys (off the GUI thread: about a tenth of a second at 100k)."""
    for column in KEPT_SORT_COLUMNS:
        index.ranks[column] = text_ranks(index.rows, column, index.count)


def kept_ranks(index: QueueIndex, column: Column) -> TextRanks | None:
    """The kept key of the column, when it covers the rows indexed."""
    kept = index.ranks.get(column)
    return kept if kept is not None and kept.count >= index.count else None


def _texts_of(rows: QueueColumns, column: Column) -> Callable[[int], str]:
    return rows.ids.__getitem__ if column is Column.ID else rows.callers.__getitem__


def text_ranks(rows: QueueColumns, column: Column, count: int) -> TextRanks:
    """The key made afresh: the rows sorted by their texts, then ranked walking that order
    (no set or dict of 100k texts: those would stay in the resident size as free memory)."""
    texts = rows.ids if column is Column.ID else rows.callers.texts(count)
    order = array("i", sorted(range(count), key=texts.__getitem__))
    ranks = array("q", bytes(8 * count))
    rank, previous, alike = -RANK_GAP, None, 0
    for position in order:
        text = texts[position]
        if text != previous:
            rank, previous, alike = rank + RANK_GAP, text, alike + 1
        ranks[position] = rank
    return TextRanks(count, ranks, order, alike == count)


def _ranks_updated(kept: TextRanks, rows: QueueColumns, column: Column,
                   changed: Iterable[int], count: int) -> TextRanks | None:
    """The kept key after the rows at `changed` (and any beyond kept.count) changed. Those
    rows are taken out; each finds, by halving, where its text goes among the others (a
    gap); a text alike its neighbour's takes that rank, the others ranks spread between the
    gap's two neighbours, in their texts' order. Then all go in at once, the order copied
    once. None when a gap has no room left (then the key is made afresh)."""
    if column is Column.ID:
        changed = ()  # a row keeps its ticket for good: only new rows come in
    moved = sorted({n for n in changed if n < count} | set(range(kept.count, count)))
    if not moved and kept.count == count:
        return kept
    staying = bytearray(b"\x01") * kept.count
    for n in moved:
        if n < kept.count:
            staying[n] = 0
    order = array("i", compress(kept.order, map(staying.__getitem__, kept.order)))
    ranks = array("q", kept.ranks)
    ranks.extend(repeat(0, count - kept.count))
    text_of = _texts_of(rows, column)
    gaps: dict[int, list[tuple[str, int]]] = {}
    for position in moved:
        text = text_of(position)
        low, high = 0, len(order)
        while low < high:  # the first row whose text is not before this one
            middle = (low + high) // 2
            if text_of(order[middle]) < text:
                low = middle + 1
            else:
                high = middle
        gaps.setdefault(low, []).append((text, position))
    distinct = kept.distinct
    for gap, entries in gaps.items():
        after = text_of(order[gap]) if gap < len(order) else None
        texts = sorted({text for text, _position in entries} - {after})
        if len(texts) < len(entries):  # alike one another, or the row after the gap
            distinct = False
        above = ranks[order[gap]] if gap < len(order) else None
        below = ranks[order[gap - 1]] if gap > 0 else None
        room = RANK_GAP * (len(texts) + 1)
        if below is None:
            below = (0 if above is None else above) - room
        if above is None:
            above = below + room
        step = (above - below) // (len(texts) + 1)
        if step < 1:
            return None
        rank_of = {text: below + step * (n + 1) for n, text in enumerate(texts)}
        if after is not None:
            rank_of[after] = above
        for text, position in entries:
            ranks[position] = rank_of[text]
    # Each moved row's place among the staying rows, by (rank, position), then all put in.
    places = []
    for position in moved:
        rank = ranks[position]
        low, high = 0, len(order)
        while low < high:
            middle = (low + high) // 2
            other = order[middle]
            if ranks[other] < rank or (ranks[other] == rank and other < position):
                low = middle + 1
            else:
                high = middle
        places.append((low, rank, position))
    places.sort()
    merged, start = array("i"), 0
    for place_at, _rank, position in places:
        merged.extend(order[start:place_at])
        merged.append(position)
        start = place_at
    merged.extend(order[start:])
    return TextRanks(count, ranks, merged, distinct)


def goes_before(keys: Sequence[Any], column: Column, descending: bool
                ) -> Callable[[int, int], bool]:
    """The order sort_order makes, as a test of two positions (for placing a few rows in an
    order already sorted, by halving, instead of sorting again)."""
    last_when_missing = column in _LAST_WHEN_MISSING

    def before(a: int, b: int) -> bool:
        key_a, key_b = keys[a], keys[b]
        if last_when_missing and (key_a == NO_TIME or key_b == NO_TIME):
            if (key_a == NO_TIME) != (key_b == NO_TIME):
                return bool(key_b == NO_TIME)
            return a < b
        if key_a != key_b:
            return bool(key_a > key_b) if descending else bool(key_a < key_b)
        return a < b

    return before


def place(sorted_positions: list[int], positions: Iterable[int],
          before: Callable[[int, int], bool]) -> list[int]:
    """`positions` put into `sorted_positions` (which must not hold them) where `before`
    says, each found by halving; returns the list."""
    for position in positions:
        low, high = 0, len(sorted_positions)
        while low < high:
            middle = (low + high) // 2
            if before(sorted_positions[middle], position):
                low = middle + 1
            else:
                high = middle
        sorted_positions.insert(low, position)
    return sorted_positions


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
