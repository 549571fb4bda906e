"""Monthly unit tables and hot-topic analyses, by the definitions the centre publishes with.

Pure functions: tickets in, a `MonthlyReport` out; no Qt, no database, no files. The local cache
(agent_app.storage.reports) and JSON Lines files (agent_app.commands.report) both feed
`compute_report`, so a history imported from elsewhere reproduces the same figures.

Definitions (issue "Monthly reports and unit rankings"; seeds: the centre's monthly reports):

- A month is a calendar month in Asia/Shanghai; an event belongs to it by its time.
- 承办件数 received: distinct tickets with a `dispatched` event to the unit in the month (a
  re-dispatch 改派 counts for the new unit too).
- 超期件数 overdue: of those, tickets whose first reply came after the deadline, or with no
  reply and a deadline before the month's end (before now, for the month in progress).
- 重办量 redo: `redo` events in the month on the unit's tickets.
- 办理结果满意率 / 服务过程满意率: 100 × (satisfied + basically satisfied) / rated, over the latest
  callback per ticket in the month that carries that rating; None (未抽访) when none was rated.
- 办结率, 回复率, 按时签收率: of the tickets received, those closed, replied to, and accepted
  within the acceptance time limit, by the month's end.
- Rates have two decimals, rounded half up, and are None rather than a division by zero.
- Units with fewer than 6 tickets received are listed but not ranked.

Where the published definitions leave a choice, this module makes it once:

- A ticket's time with a unit (its tenure) runs from the dispatch to that unit until it is
  dispatched elsewhere, closed or merged. Replies, acceptances, callbacks and redos count for
  the unit whose tenure they fall in (or the unit the event names). A unit that never replied
  is overdue only if its deadline passed while it still held the ticket.
- The deadline is the one the dispatch set (the ticket's own when the event has none; the
  deadline policy's, counted in working days with 调休 from the dispatch, when neither has
  one), moved by an approved extension before the first reply.
- Ranking inside a group: result satisfaction, then process satisfaction (higher first, 未抽访
  last), then the share of tickets overdue, then the share redone (lower first); equal keys
  share a rank (1, 1, 3), as in the published tables. The published 考核总分 adds manual scores
  this client does not hold.
- Contacts (appeal types, categories, channels) are the tickets registered in the month, by
  their `created_at` (the time the call or message was received and registered).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from agent_app.core.actions import EVENT_LABELS
from agent_app.core.calendar import CHINA_TZ, WorkingCalendar
from agent_app.core.catalogue import Catalogue
from agent_app.core.deadlines import DeadlinePolicy, NoPolicyRuleError, compute_deadline
from agent_app.core.enums import AppealType, Channel, Rating, Urgency
from agent_app.core.interchange import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    InterchangeError,
    check_year,
    parse_time,
    shown,
    ticket_from_dict,
)
from agent_app.core.lifecycle import EventKind
from agent_app.core.models import Ticket

RANKING_MIN_TICKETS = 6  # seed 002: 工单量小于6件的单位不计入考核
HOT_TOPICS_SHOWN = 10  # seed 002's 热点问题统计表 lists ten
TOP_UNITS_SHOWN = 10
OTHER_GROUP = ""  # units no catalogue or ticket assigns to a ranking group
# The web platform of the bulletins (seed 001: 市长信箱、网民留言…等网络平台; its 附件2).
WEB_CHANNELS = frozenset({Channel.WEB_MESSAGE.value, Channel.MAYOR_MAILBOX.value})

_RATINGS = frozenset(r.value for r in Rating)
# Every kind a timeline may hold; any other in an imported file is an error, never skipped
# (a misspelt kind would silently drop a unit's work from the tables).
KNOWN_EVENT_KINDS = frozenset(str(kind) for kind in EVENT_LABELS)
_SATISFIED = frozenset({Rating.SATISFIED.value, Rating.BASICALLY_SATISFIED.value})
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_HUNDREDTH = Decimal("0.01")
# Names the report prints (units, groups, categories) are one line of plain text; most control
# characters cannot even be written to an XLSX cell.
_CONTROL = re.compile("[\x00-\x1f\x7f]")

AcceptedInTime = Callable[[datetime, datetime], bool]  # (dispatched, accepted) → 按时签收?
# (dispatched, appeal type, urgency) → the policy's deadline, for tickets that store none.
DeadlineFor = Callable[[datetime, str, str | None], datetime | None]


# Input -------------------------------------------------------------------------------------


# Named tuples, not frozen dataclasses: a month is some 300,000 events, and a frozen
# dataclass takes several times longer to make.
class ReportEvent(NamedTuple):
    """The part of a timeline event the report reads."""

    at: datetime
    kind: str
    unit: str | None = None
    deadline: datetime | None = None  # set by a dispatch or an approved extension
    result: str | None = None  # callback ratings (Rating values), None when not rated
    process: str | None = None


class ReportTicket(NamedTuple):
    id: str
    created_at: datetime
    channel: str
    appeal_type: str
    category: tuple[str, str] | None
    unit: str | None
    deadline: datetime | None
    events: tuple[ReportEvent, ...]  # in time order
    unit_group: str | None = None  # the ranking group of `unit`, when the source names it
    urgency: str | None = None  # for the policy deadline of a dispatch that set none


def utc(moment: datetime) -> datetime:
    """All report times share one tzinfo: CPython compares such datetimes field by field, and
    twenty times slower when the offsets differ (hundreds of thousands of events a month)."""
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


# The timeline the report reads: these kinds, and of their data only these fields (the local
# cache fetches no more than this).
EVENT_FIELDS: dict[str, tuple[str, ...]] = {str(kind): fields for kind, fields in {
    EventKind.ANSWERED: (), EventKind.ACCEPTED: (), EventKind.REPLIED: (),
    EventKind.CLOSED: (), EventKind.MERGED: (),
    EventKind.DISPATCHED: ("unit", "deadline"),
    EventKind.REDO: ("unit",),
    EventKind.EXTENSION: ("deadline", "requested_deadline", "decision"),
    EventKind.CALLBACK: ("result", "process"),
}.items()}
# The kinds compared for every event of a month, bound once as plain strings: on Python 3.11
# looking an enum member up costs several times the comparison itself.
(_DISPATCHED, _ANSWERED, _ACCEPTED, _REPLIED, _EXTENSION, _REDO, _CALLBACK, _CLOSED,
 _MERGED) = (str(kind) for kind in (
    EventKind.DISPATCHED, EventKind.ANSWERED, EventKind.ACCEPTED, EventKind.REPLIED,
    EventKind.EXTENSION, EventKind.REDO, EventKind.CALLBACK, EventKind.CLOSED,
    EventKind.MERGED))
EVENT_FIELD_ORDER = ("unit", "deadline", "requested_deadline", "decision", "result", "process")


def report_event(at: datetime, kind: str, data: Mapping[str, Any]) -> ReportEvent:
    """Raises InterchangeError when a field the report reads has the wrong type."""
    fields = EVENT_FIELDS.get(kind, ())
    if not fields:
        if kind not in KNOWN_EVENT_KINDS:
            raise InterchangeError(f"unknown event kind {shown(kind)}")
        return ReportEvent(utc(at), kind)
    return report_event_of(at, kind, *[data.get(name) if name in fields else None
                                       for name in EVENT_FIELD_ORDER])


def report_event_of(at: datetime, kind: str, unit: Any = None, deadline: Any = None,
                    requested_deadline: Any = None, decision: Any = None, result: Any = None,
                    process: Any = None) -> ReportEvent:
    """The same from the fields one by one (in EVENT_FIELD_ORDER), as the local cache reads
    them: no dictionary per event."""
    if kind not in KNOWN_EVENT_KINDS:
        raise InterchangeError(f"unknown event kind {shown(kind)}")
    if unit is None and deadline is None and result is None and process is None:
        if kind != _EXTENSION:
            return ReportEvent(utc(at), kind)  # most events: only a kind and a time
    elif unit is not None:
        if not isinstance(unit, str):
            raise InterchangeError(f"{kind} event: unit is not text")
        if _CONTROL.search(unit):
            raise InterchangeError(f"{kind} event: unit contains a control character")
    # A rating of another type would be an unhashable value tested against the ratings.
    if (result is not None and not isinstance(result, str)) or (
            process is not None and not isinstance(process, str)):
        raise InterchangeError(f"{kind} event: a rating is not text")
    # A rating word of another vocabulary (满意, "good") would make the unit 未抽访.
    for rating in (result, process):
        if rating is not None and rating not in _RATINGS:
            raise InterchangeError(f"{kind} event: unknown rating {shown(rating)} (one of "
                                   f"{', '.join(sorted(_RATINGS))})")
    if kind == _EXTENSION:
        if decision != "approved":
            deadline = None  # a request, or a refusal, moves nothing
        elif deadline is None:
            deadline = requested_deadline  # approved as asked
    if deadline is not None and not isinstance(deadline, str):
        raise InterchangeError(f"{kind} event: deadline is not a time")
    return ReportEvent(utc(at), kind, unit or None,
                       _report_time(parse_time(deadline), kind) if deadline else None,
                       result if result in _RATINGS else None,
                       process if process in _RATINGS else None)


def _report_time(moment: datetime, kind: str) -> datetime:
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        check_year(moment, f"{kind} event: deadline")
    return utc(moment)


def report_ticket(ticket: Ticket, unit_group: str | None = None) -> ReportTicket:
    # Before utc(): near the ends of datetime it overflows, and the calendar's arithmetic too.
    check_year(ticket.created_at, "created_at")
    if ticket.deadline is not None:
        check_year(ticket.deadline, "deadline")
    for event in ticket.events:
        if not EARLIEST_YEAR <= event.at.year <= LATEST_YEAR:
            check_year(event.at, f"{event.kind} event")
    events = sorted(ticket.events, key=lambda e: e.at)
    return ReportTicket(
        id=ticket.id, created_at=utc(ticket.created_at), channel=ticket.channel.value,
        appeal_type=ticket.appeal_type.value,
        category=(ticket.category.level1, ticket.category.level2) if ticket.category else None,
        unit=ticket.unit, deadline=utc(ticket.deadline) if ticket.deadline else None,
        events=tuple(report_event(e.at, e.kind, e.data) for e in events),
        unit_group=unit_group, urgency=ticket.urgency.value)


def report_ticket_from_dict(data: Any) -> ReportTicket:
    """A ticket in the interchange format of DESIGN.md §7, optionally with `unit_group`."""
    if not isinstance(data, dict):
        raise InterchangeError("a ticket must be a JSON object")
    problem = _shape_problem(data)
    if problem is not None:
        raise InterchangeError(f"ticket {_id_of(data)}: {problem}")
    try:
        ticket = ticket_from_dict(data)
    except InterchangeError as exc:
        if isinstance(exc.__cause__, KeyError):  # say which field, not just its name
            raise InterchangeError(f"ticket {_id_of(data)}: missing field "
                                   f"{shown(str(exc.__cause__))}") from exc
        problem = _events_problem(data) if "events" in data else None
        if problem is not None:
            raise InterchangeError(f"ticket {_id_of(data)}: {problem}") from exc
        raise
    try:
        return report_ticket(ticket, data.get("unit_group") or None)
    except ValueError as exc:
        raise InterchangeError(f"ticket {shown(ticket.id)}: {shown(str(exc), 200)}") from exc


def _id_of(data: dict[str, Any]) -> str:
    """The ticket's id as a message names it."""
    return shown(data.get("id") or "?")


def _shape_problem(data: dict[str, Any]) -> str | None:
    """What is wrong with the fields the report reads, beyond what ticket_from_dict checks:
    values of another type there were taken as they came and failed later, in the middle of
    the month's sums."""
    ticket_id = data.get("id")
    if ticket_id is None:
        return "missing field 'id'"
    if not isinstance(ticket_id, str):
        return "id is not text"
    for key in ("unit", "unit_group"):
        problem = _name_problem(data.get(key), key)
        if problem is not None:
            return problem
    category = data.get("category")
    if category is not None and category != []:
        if not isinstance(category, list) or len(category) != 2:
            return "category is not a pair of names [level 1, level 2]"
        for part in category:
            problem = _name_problem(part, "category")
            if problem is not None:
                return problem
    if not isinstance(data.get("events", []), list):
        return "events is not a list"
    return None


def _events_problem(data: dict[str, Any]) -> str | None:
    # Only once ticket_from_dict has failed: a loop over every event costs the whole month.
    if not all(isinstance(event, dict) for event in data["events"]):
        return "an event is not an object"
    return None


def _name_problem(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return f"{what} is not text"
    if _CONTROL.search(value):
        return f"{what} contains a control character"
    return None


# Months ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """"2024-02" → Month; ValueError for anything else."""
        match = _MONTH_RE.match(text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
            raise ValueError(f"not a month in the form YYYY-MM: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, moment: datetime) -> Month:
        local = moment.astimezone(CHINA_TZ)
        return cls(local.year, local.month)

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=CHINA_TZ)

    @property
    def end(self) -> datetime:
        """The first instant of the next month (exclusive bound)."""
        return self.next().start

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


# Units and ranking groups -------------------------------------------------------------------


@dataclass(frozen=True)
class UnitDirectory:
    """The one name each unit is reported under, and its ranking group."""

    groups: tuple[tuple[str, str], ...] = ()  # (code, name), in the catalogue's order
    # Any name or alias → (official name, group code).
    units: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue) -> UnitDirectory:
        units: dict[str, tuple[str, str]] = {}
        short: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for unit in catalogue.units:
            for name in (unit.name, *unit.aliases):
                units[name] = (unit.name, unit.group)
            for name in unit.short_names:
                short[name].append((unit.name, unit.group))
        return cls(tuple((g.code, g.name) for g in catalogue.groups), units,
                   {name: tuple(found) for name, found in short.items()},
                   {alias: g.code for g in catalogue.groups for alias in g.aliases})

    # A short name a centre prints (seed 002's 税务局) → the units that carry it.
    short_names: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    group_aliases: Mapping[str, str] = field(default_factory=dict)  # other name → code

    def official_name(self, name: str) -> str:
        known = self.units.get(name)
        if known is not None:
            return known[0]
        # Blanks aside (郏 县), a name stays as the data writes it: a county's table prints
        # its own short names (seed 003's 医保局), which `canonical_name` resolves.
        known = self.units.get("".join(name.split()))
        return known[0] if known else name

    def canonical_name(self, name: str, group: str | None = None) -> str:
        """The official name, short names included when unambiguous (or settled by the
        `group` the data gives): how the assessment matches a score table's rows to the
        report's."""
        if group:
            placed = self.lookup_in_group(name, group)
            if placed is not None:
                return placed[0]
        found = self.lookup(name)
        return found[0] if isinstance(found, tuple) and not group else name

    def lookup_in_group(self, name: str, group: str) -> tuple[str, str] | None:
        """The unit of that group the name means: a county table's 移动公司 is the county's,
        not the city's."""
        found = self.lookup(name)
        if isinstance(found, tuple) and found[1] == group:
            return found
        compact = "".join(name.split())
        in_group = [match for match in self.short_names.get(compact, ()) if match[1] == group]
        return in_group[0] if len(in_group) == 1 else None

    def group_of_name(self, name: str) -> str | None:
        found = self.lookup(name)
        return found[1] if isinstance(found, tuple) else None

    def lookup(self, name: str) -> tuple[str, str] | list[str] | None:
        """A unit as a bulletin or a score table writes it → (official name, group code);
        the candidates when a short name is ambiguous; None when unknown. Blanks inside a
        name are ignored: the bulletins print 郏 县 and 退役军人 事务局."""
        compact = "".join(name.split())
        for candidate in (name, compact):
            known = self.units.get(candidate)
            if known is not None:
                return known
        matches = self.short_names.get(compact, ())
        if len(matches) == 1:
            return matches[0]
        return sorted(official for official, _ in matches) or None

    def group_code(self, given: str) -> str:
        """A group named in the data by code or by name → its code; unknown names stay."""
        for code, name in self.groups:
            if given in (code, name):
                return code
        return self.group_aliases.get(given, given)

    def group_name(self, code: str) -> str:
        return next((name for c, name in self.groups if c == code), code)

    def group_order(self, code: str) -> tuple[int, str]:
        codes = [c for c, _ in self.groups]
        if code in codes:
            return (0, f"{codes.index(code):04d}")
        return (2, "") if code == OTHER_GROUP else (1, code)


# 按时签收 ----------------------------------------------------------------------------------

_MICROSECOND = timedelta(microseconds=1)
_DAY = 86_400_000_000  # microseconds
_LOCAL_EPOCH = datetime(1970, 1, 1, tzinfo=CHINA_TZ)


class _WorkingClock:
    """Whether an acceptance came in time, for tens of thousands of dispatches a month.

    The same rule as `accepted <= accept_deadline(dispatched, policy, calendar)` (a property
    test holds the two equal), in integer microseconds of local time with each day's calendar
    question asked once: chinesecalendar takes about 0.1 ms per question, and
    WorkingCalendar.add_working_hours some 30 µs per call."""

    def __init__(self, calendar: WorkingCalendar, limit: timedelta) -> None:
        self._calendar = calendar
        self._limit = limit // _MICROSECOND
        self._periods = [(_of_day(begin), _of_day(end)) for begin, end in calendar.periods]
        self._full_day = sum(end - begin for begin, end in self._periods)
        self._workdays: dict[int, bool] = {}

    def _is_workday(self, day: int) -> bool:
        known = self._workdays.get(day)
        if known is None:
            known = self._workdays[day] = self._calendar.is_workday(
                _LOCAL_EPOCH.date() + timedelta(days=day))
        return known

    def _worked(self, day: int, begin: int, end: int) -> int:
        """Working microseconds of local day number `day` between these times of day."""
        if not self._is_workday(day):
            return 0
        return sum(max(0, min(e, end) - max(b, begin)) for b, e in self._periods)

    def in_time(self, dispatched: datetime, accepted: datetime) -> bool:
        first = (dispatched - _LOCAL_EPOCH) // _MICROSECOND
        last = (accepted - _LOCAL_EPOCH) // _MICROSECOND
        if last - first <= self._limit:  # working time never runs faster than the clock
            return True
        first_day, last_day = first // _DAY, last // _DAY
        first_time, last_time = first - first_day * _DAY, last - last_day * _DAY
        if first_day == last_day:
            worked = self._worked(first_day, first_time, last_time)
        else:
            worked = self._worked(first_day, first_time, _DAY)
            day = first_day + 1
            while day < last_day and worked <= self._limit:
                worked += self._full_day if self._is_workday(day) else 0
                day += 1
            worked += self._worked(last_day, 0, last_time)
        if worked != self._limit:
            return worked < self._limit
        # The limit ran out exactly: in time only at that instant, not later in a break.
        return self._is_workday(last_day) and any(b < last_time <= e for b, e in self._periods)


def _of_day(moment: time) -> int:
    return ((moment.hour * 60 + moment.minute) * 60 + moment.second) * 1_000_000 \
        + moment.microsecond


def policy_deadlines(policy: DeadlinePolicy, calendar: WorkingCalendar) -> DeadlineFor:
    """The deadline the policy gives a dispatch (working days with 调休), for tickets whose
    dispatch and record carry none: without it such a ticket could never be overdue."""
    known: dict[tuple[datetime, str, str | None], datetime | None] = {}

    def deadline(dispatched: datetime, appeal_type: str, urgency: str | None) -> datetime | None:
        key = (dispatched, appeal_type, urgency)
        if key not in known:
            try:
                known[key] = utc(compute_deadline(
                    dispatched, AppealType(appeal_type), Urgency(urgency or Urgency.NORMAL),
                    policy, calendar))
            except (ValueError, NoPolicyRuleError):
                known[key] = None  # an appeal type the policy does not know: no deadline
        return known[key]

    return deadline


def acceptance_check(policy: DeadlinePolicy, calendar: WorkingCalendar) -> AcceptedInTime:
    """Accepted within the policy's working hours of the dispatch (按时签收)."""
    return _WorkingClock(calendar,
                         timedelta(hours=policy.accept_within_working_hours)).in_time


# Output ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    unit: str
    group: str  # group code; OTHER_GROUP when unknown
    group_name: str
    received: int
    overdue: int
    redo: int
    result_rated: int
    result_satisfied: int
    process_rated: int
    process_satisfied: int
    closed: int
    replied: int
    accepted_on_time: int
    result_satisfaction: float | None
    process_satisfaction: float | None
    closed_rate: float | None
    reply_rate: float | None
    on_time_accept_rate: float | None
    rank: int | None  # None: fewer than RANKING_MIN_TICKETS received
    # The assessment (agent_app.core.assessment) fills these in; rank is then by score.
    score: float | None = None  # 考核总分: the official one when imported, else computed
    score_source: str | None = None  # "official" or "computed"
    computed_score: float | None = None  # from the policy's components, with adjustments
    adjustment: float = 0.0  # 加分/扣分 applied to the computed score
    interview: bool = False  # 约谈 this month
    interview_level: str | None = None  # deputy / principal / public_statement (seed 004)
    interviews_in_year: int = 0  # call-ins this calendar year, this month included
    web_received: int = 0  # of `received`, tickets from the web platform (WEB_CHANNELS)
    web_replied: int = 0


@dataclass(frozen=True)
class ShareRow:
    """One line of a count-and-share table (诉求类型, 分类, 热点问题)."""

    key: tuple[str, ...]  # (appeal type) or (level 1) or (level 1, level 2)
    count: int
    share: float | None


@dataclass(frozen=True)
class ChannelRow:
    channel: str
    contacts: int
    answered_directly: int
    dispatched: int
    closed: int
    closed_rate: float | None
    replied: int
    reply_rate: float | None


@dataclass(frozen=True)
class Totals:
    contacts: int  # tickets registered in the month
    answered_directly: int
    dispatched: int  # 登记交办: of the contacts, those dispatched to a unit
    merged: int
    received: int  # sum over units (a re-dispatched ticket counts for each unit)
    overdue: int
    redo: int
    result_rated: int
    process_rated: int
    result_satisfaction: float | None
    process_satisfaction: float | None
    closed_rate: float | None
    reply_rate: float | None
    on_time_accept_rate: float | None
    hot_topics_count: int  # the hot topics shown, together
    hot_topics_share: float | None


@dataclass(frozen=True)
class MonthlyReport:
    month: Month
    groups: tuple[tuple[str, str], ...]  # (code, name) of the groups present, in order
    units: tuple[UnitRow, ...]  # by group, then rank
    appeal_types: tuple[ShareRow, ...]
    categories: tuple[ShareRow, ...]
    hot_topics: tuple[ShareRow, ...]
    channels: tuple[ChannelRow, ...]
    top_units: tuple[UnitRow, ...]  # by tickets received
    totals: Totals
    # Per ranking group: the call-in rule and threshold the assessment applied (JSON-ready).
    thresholds: tuple[Mapping[str, Any], ...] = ()
    adjustments: tuple[Mapping[str, Any], ...] = ()  # the audited 加分/扣分 applied
    year: tuple[Mapping[str, Any], ...] = ()  # year to date: average score, rank, honours

    @property
    def is_empty(self) -> bool:
        return not self.units and not self.totals.contacts

    def units_in(self, group: str) -> list[UnitRow]:
        return [u for u in self.units if u.group == group]


def percentage(part: int, whole: int) -> float | None:
    """100 × part / whole with two decimals, rounded half up; None when whole is 0."""
    if whole <= 0:
        return None
    value = (Decimal(100 * part) / Decimal(whole)).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
    return float(value)


# Computation -------------------------------------------------------------------------------


class _Tenure:
    """A ticket's time with one unit (see the module notes)."""

    __slots__ = ("accepted", "closed", "deadline", "dispatched_in_month", "end", "replied",
                 "start", "unit")

    def __init__(self, unit: str, start: datetime, deadline: datetime | None) -> None:
        self.unit = unit
        self.start = start
        self.deadline = deadline
        self.dispatched_in_month = False
        self.accepted: datetime | None = None
        self.replied: datetime | None = None
        self.closed: datetime | None = None
        self.end: datetime | None = None


@dataclass
class _UnitTally:
    received: int = 0
    overdue: int = 0
    redo: int = 0
    result_rated: int = 0
    result_satisfied: int = 0
    process_rated: int = 0
    process_satisfied: int = 0
    closed: int = 0
    replied: int = 0
    accepted_on_time: int = 0
    web_received: int = 0
    web_replied: int = 0


@dataclass
class _ContactTally:
    contacts: int = 0
    answered: int = 0
    dispatched: int = 0
    closed: int = 0
    replied: int = 0
    merged: int = 0


class _Builder:
    def __init__(self, month: Month, directory: UnitDirectory,
                 accepted_in_time: AcceptedInTime | None,
                 as_of: datetime | None, learned_groups: Mapping[str, str],
                 deadline_for: DeadlineFor | None = None) -> None:
        self.start, self.end = utc(month.start), utc(month.end)
        # "No reply and a deadline before the month's end": for the month in progress, the
        # deadlines that have passed so far.
        self.cutoff = min(self.end, utc(as_of)) if as_of is not None else self.end
        self.directory = directory
        self.accepted_in_time = accepted_in_time
        self.deadline_for = deadline_for
        self.learned_groups = learned_groups
        self.units: dict[str, _UnitTally] = defaultdict(_UnitTally)
        self.channels: dict[str, _ContactTally] = defaultdict(_ContactTally)
        self.appeal_types: Counter[str] = Counter()
        self.categories: Counter[str] = Counter()
        self.topics: Counter[tuple[str, str]] = Counter()
        self._names: dict[str, str] = {}

    def name(self, unit: str) -> str:
        known = self._names.get(unit)
        if known is None:
            known = self._names[unit] = self.directory.official_name(unit)
        return known

    def add(self, ticket: ReportTicket) -> None:
        fallback = self.name(ticket.unit) if ticket.unit else None
        tenures: list[_Tenure] = []
        current: _Tenure | None = None
        answered = dispatched = merged = False
        closed_at: datetime | None = None
        latest_result: tuple[str, str] | None = None  # (unit, rating)
        latest_process: tuple[str, str] | None = None
        for event in ticket.events:
            kind = event.kind
            if kind == _DISPATCHED:
                dispatched = True
                unit = self.name(event.unit) if event.unit else fallback
                if unit is None:
                    continue
                if current is None or current.unit != unit or current.end is not None:
                    if current is not None and current.end is None:
                        current.end = event.at
                    deadline = event.deadline or ticket.deadline
                    if deadline is None and self.deadline_for is not None:
                        deadline = self.deadline_for(event.at, ticket.appeal_type,
                                                     ticket.urgency)
                    current = _Tenure(unit, event.at, deadline)
                    tenures.append(current)
                if self.start <= event.at < self.end:
                    current.dispatched_in_month = True
            elif kind == _ANSWERED:
                answered = True
            elif kind == _ACCEPTED:
                if current is not None and current.accepted is None:
                    current.accepted = event.at
            elif kind == _REPLIED:
                if current is not None and current.replied is None:
                    current.replied = event.at
            elif kind == _EXTENSION:
                if current is not None and current.replied is None and event.deadline:
                    current.deadline = event.deadline
            elif kind == _REDO:
                if self.start <= event.at < self.end:
                    unit = (self.name(event.unit) if event.unit
                            else current.unit if current is not None else fallback)
                    if unit is not None:
                        self.units[unit].redo += 1
            elif kind == _CALLBACK:
                if self.start <= event.at < self.end:
                    unit = current.unit if current is not None else fallback
                    if unit is not None:
                        if event.result is not None:
                            latest_result = (unit, event.result)
                        if event.process is not None:
                            latest_process = (unit, event.process)
            elif kind in (_CLOSED, _MERGED):
                merged = merged or kind == _MERGED
                if kind == _CLOSED and closed_at is None:
                    closed_at = event.at
                if current is not None and current.end is None:
                    current.end = event.at
                    if kind == _CLOSED:
                        current.closed = event.at
        self._add_tenures(tenures, ticket.channel in WEB_CHANNELS)
        self._add_ratings(latest_result, latest_process)
        if self.start <= ticket.created_at < self.end:
            self._add_contact(ticket, answered=answered, dispatched=dispatched, merged=merged,
                              closed_at=closed_at,
                              replied_at=min((t.replied for t in tenures if t.replied),
                                             default=None))

    def _add_tenures(self, tenures: list[_Tenure], web: bool) -> None:
        # Per unit, the ticket counts once; its flags are those of any tenure in the month.
        flags: dict[str, list[bool]] = {}
        for tenure in tenures:
            if not tenure.dispatched_in_month:
                continue
            overdue = self._overdue(tenure)
            closed = tenure.closed is not None and tenure.closed < self.end
            replied = tenure.replied is not None and tenure.replied < self.end
            on_time = (self.accepted_in_time is not None and tenure.accepted is not None
                       and self.accepted_in_time(tenure.start, tenure.accepted))
            seen = flags.get(tenure.unit)
            if seen is None:
                flags[tenure.unit] = [overdue, closed, replied, on_time]
            else:
                for i, value in enumerate((overdue, closed, replied, on_time)):
                    seen[i] = seen[i] or value
        for unit, (overdue, closed, replied, on_time) in flags.items():
            tally = self.units[unit]
            tally.received += 1
            tally.overdue += overdue
            tally.closed += closed
            tally.replied += replied
            tally.accepted_on_time += on_time
            if web:
                tally.web_received += 1
                tally.web_replied += replied

    def _overdue(self, tenure: _Tenure) -> bool:
        if tenure.deadline is None:
            return False
        if tenure.replied is not None:
            return tenure.replied > tenure.deadline
        held_until = self.cutoff if tenure.end is None else min(tenure.end, self.cutoff)
        return tenure.deadline < held_until

    def _add_ratings(self, result: tuple[str, str] | None,
                     process: tuple[str, str] | None) -> None:
        if result is not None:
            tally = self.units[result[0]]
            tally.result_rated += 1
            tally.result_satisfied += result[1] in _SATISFIED
        if process is not None:
            tally = self.units[process[0]]
            tally.process_rated += 1
            tally.process_satisfied += process[1] in _SATISFIED

    def _add_contact(self, ticket: ReportTicket, *, answered: bool, dispatched: bool,
                     merged: bool, closed_at: datetime | None,
                     replied_at: datetime | None) -> None:
        channel = self.channels[ticket.channel]
        channel.contacts += 1
        channel.answered += answered
        channel.merged += merged
        if dispatched:
            channel.dispatched += 1
            channel.closed += closed_at is not None and closed_at < self.end
            channel.replied += replied_at is not None and replied_at < self.end
        self.appeal_types[ticket.appeal_type] += 1
        if ticket.category is not None:
            self.categories[ticket.category[0]] += 1
            self.topics[ticket.category] += 1

    def group_of(self, unit: str) -> str:
        learned = self.learned_groups.get(unit)
        if learned is not None:
            return self.directory.group_code(learned)
        known = self.directory.units.get(unit)
        if known is not None:
            return known[1]
        return self.directory.group_of_name(unit) or OTHER_GROUP


def compute_report(tickets: Iterable[ReportTicket], month: Month, *,
                   directory: UnitDirectory | None = None,
                   accepted_in_time: AcceptedInTime | None = None,
                   as_of: datetime | None = None,
                   deadline_for: DeadlineFor | None = None) -> MonthlyReport:
    """The month's report. `accepted_in_time` judges an acceptance against the time limit
    (without it 按时签收率 is None); `as_of` is now, for a month still in progress;
    `deadline_for` gives the policy deadline to a dispatch without one (else never overdue)."""
    directory = directory or UnitDirectory()
    tickets = list(tickets)
    learned: dict[str, str] = {}
    for ticket in tickets:
        if ticket.unit and ticket.unit_group:
            learned[directory.official_name(ticket.unit)] = ticket.unit_group
    builder = _Builder(month, directory, accepted_in_time, as_of, learned, deadline_for)
    for ticket in tickets:
        builder.add(ticket)
    return _assemble(builder, month)


def _assemble(builder: _Builder, month: Month) -> MonthlyReport:
    directory = builder.directory
    by_group: dict[str, list[tuple[str, _UnitTally]]] = defaultdict(list)
    for unit, tally in builder.units.items():
        by_group[builder.group_of(unit)].append((unit, tally))
    group_codes = sorted(by_group, key=directory.group_order)
    units: list[UnitRow] = []
    timed_acceptance = builder.accepted_in_time is not None
    for code in group_codes:
        units += _ranked_rows(code, directory.group_name(code), by_group[code],
                              timed_acceptance)
    contacts = sum(c.contacts for c in builder.channels.values())
    appeal_order = {t.value: i for i, t in enumerate(AppealType)}
    channel_order = {c.value: i for i, c in enumerate(Channel)}
    topics = sorted(builder.topics.items(), key=lambda item: (-item[1], item[0]))
    hot = [ShareRow(key, count, percentage(count, contacts))
           for key, count in topics[:HOT_TOPICS_SHOWN]]
    hot_count = sum(row.count for row in hot)
    return MonthlyReport(
        month=month,
        groups=tuple((code, directory.group_name(code)) for code in group_codes),
        units=tuple(units),
        appeal_types=tuple(
            ShareRow((kind,), count, percentage(count, contacts))
            for kind, count in sorted(builder.appeal_types.items(),
                                      key=lambda item: (appeal_order.get(item[0], 99), item[0]))),
        categories=tuple(
            ShareRow((name,), count, percentage(count, contacts))
            for name, count in sorted(builder.categories.items(),
                                      key=lambda item: (-item[1], item[0]))),
        hot_topics=tuple(hot),
        channels=tuple(
            ChannelRow(code, c.contacts, c.answered, c.dispatched, c.closed,
                       percentage(c.closed, c.dispatched), c.replied,
                       percentage(c.replied, c.dispatched))
            for code, c in sorted(builder.channels.items(),
                                  key=lambda item: (channel_order.get(item[0], 99), item[0]))),
        top_units=tuple(sorted(units, key=lambda u: (-u.received, u.unit))[:TOP_UNITS_SHOWN]),
        totals=_totals(builder, units, contacts, hot_count),
    )


def _totals(builder: _Builder, units: list[UnitRow], contacts: int,
            hot_count: int) -> Totals:
    def total(name: str) -> int:
        return sum(getattr(u, name) for u in units)

    received = total("received")
    return Totals(
        contacts=contacts,
        answered_directly=sum(c.answered for c in builder.channels.values()),
        dispatched=sum(c.dispatched for c in builder.channels.values()),
        merged=sum(c.merged for c in builder.channels.values()),
        received=received, overdue=total("overdue"), redo=total("redo"),
        result_rated=total("result_rated"), process_rated=total("process_rated"),
        result_satisfaction=percentage(total("result_satisfied"), total("result_rated")),
        process_satisfaction=percentage(total("process_satisfied"), total("process_rated")),
        closed_rate=percentage(total("closed"), received),
        reply_rate=percentage(total("replied"), received),
        on_time_accept_rate=(percentage(total("accepted_on_time"), received)
                             if builder.accepted_in_time is not None else None),
        hot_topics_count=hot_count, hot_topics_share=percentage(hot_count, contacts),
    )


def _ranked_rows(code: str, name: str, tallies: list[tuple[str, _UnitTally]],
                 timed_acceptance: bool) -> list[UnitRow]:
    rows = [_row(unit, code, name, tally, timed_acceptance) for unit, tally in tallies]
    keys = {row.unit: _rank_key(row) for row in rows if row.received >= RANKING_MIN_TICKETS}
    ordered = sorted(keys.values())
    # Competition ranking: one more than the number of strictly better keys (1, 1, 3).
    ranks = {unit: 1 + bisect_left(ordered, key) for unit, key in keys.items()}
    rows = [replace(row, rank=ranks.get(row.unit)) for row in rows]
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, -r.received, r.unit))


def _rank_key(row: UnitRow) -> tuple[float, ...]:
    return (-(row.result_satisfaction if row.result_satisfaction is not None else -1.0),
            -(row.process_satisfaction if row.process_satisfaction is not None else -1.0),
            row.overdue / row.received, row.redo / row.received)


def _row(unit: str, code: str, name: str, t: _UnitTally, timed_acceptance: bool) -> UnitRow:
    return UnitRow(
        unit=unit, group=code, group_name=name, received=t.received, overdue=t.overdue,
        redo=t.redo, result_rated=t.result_rated, result_satisfied=t.result_satisfied,
        process_rated=t.process_rated, process_satisfied=t.process_satisfied,
        closed=t.closed, replied=t.replied, accepted_on_time=t.accepted_on_time,
        result_satisfaction=percentage(t.result_satisfied, t.result_rated),
        process_satisfaction=percentage(t.process_satisfied, t.process_rated),
        closed_rate=percentage(t.closed, t.received),
        reply_rate=percentage(t.replied, t.received),
        on_time_accept_rate=(percentage(t.accepted_on_time, t.received)
                             if timed_acceptance else None),
        rank=None, web_received=t.web_received, web_replied=t.web_replied)


# JSON shape (agent-app report --format json) -------------------------------------------------


def report_to_dict(report: MonthlyReport) -> dict[str, Any]:
    return {
        "month": str(report.month),
        "groups": _groups_with_thresholds(report),
        "units": [asdict(u) for u in report.units],
        "appeal_types": [{"appeal_type": r.key[0], "count": r.count, "share": r.share}
                         for r in report.appeal_types],
        "categories": [{"category": r.key[0], "count": r.count, "share": r.share}
                       for r in report.categories],
        "hot_topics": [{"category": list(r.key), "count": r.count, "share": r.share}
                       for r in report.hot_topics],
        "channels": [asdict(c) for c in report.channels],
        "top_units": [{"unit": u.unit, "group": u.group, "received": u.received}
                      for u in report.top_units],
        "totals": asdict(report.totals),
        "adjustments": [dict(a) for a in report.adjustments],
        "year": [dict(y) for y in report.year],
    }


def _groups_with_thresholds(report: MonthlyReport) -> list[dict[str, Any]]:
    rules = {rule["group"]: rule for rule in report.thresholds}
    rows: list[dict[str, Any]] = []
    for code, name in report.groups:
        rule = rules.get(code, {})
        rows.append({"group": code, "name": name, "threshold": rule.get("threshold"),
                     **{k: v for k, v in rule.items() if k not in ("group", "threshold")}})
    return rows


# Drill-down --------------------------------------------------------------------------------

# What a cell of the unit table counts → the UnitRow field that says a ticket is behind it.
DRILL_MEASURES = ("received", "overdue", "redo", "result_rated", "process_rated", "closed",
                  "accepted_on_time", "replied", "web_received")


def tickets_behind(tickets: Iterable[ReportTicket], month: Month, unit: str, measure: str, *,
                   directory: UnitDirectory | None = None,
                   accepted_in_time: AcceptedInTime | None = None,
                   as_of: datetime | None = None,
                   deadline_for: DeadlineFor | None = None) -> list[ReportTicket]:
    """The tickets a figure of `unit`'s row counts, by the same rules as the figure: each
    candidate ticket is reported alone and kept when it adds to `measure`."""
    if measure not in DRILL_MEASURES:
        raise ValueError(f"no tickets behind {measure!r}")
    directory = directory or UnitDirectory()
    found = []
    for ticket in tickets:
        names = {e.unit for e in ticket.events if e.unit}
        if ticket.unit:
            names.add(ticket.unit)
        if not any(directory.official_name(name) == unit for name in names):
            continue  # a ticket that never named the unit adds to none of its figures
        alone = compute_report([ticket], month, directory=directory,
                               accepted_in_time=accepted_in_time, as_of=as_of,
                               deadline_for=deadline_for)
        if any(row.unit == unit and getattr(row, measure) > 0 for row in alone.units):
            found.append(ticket)
    return sorted(found, key=lambda t: (t.created_at, t.id))
