"""The monthly assessment (考核): score, rank within the ranking groups, call-ins (约谈) and
their escalation, and the year's result with its honours. Qt-free and pure: a MonthlyReport
and the policy in, an assessed MonthlyReport out.

The rules (seed 004, the city's work rules; seed 001, the August 2023 bulletin):

- 考核总分 per unit and month: the policy's components (查收/签收, 与诉求人沟通, 反馈质量,
  办理时效, 办理质量, 办结率, 回复率, 满意率, 知识点报送), each worth its points, plus the audited
  manual adjustments (加分/扣分). An official score table, when imported, replaces the computed
  score of the units it names.
- Ranks by score within each group, ties sharing a rank (1, 1, 3); units with fewer than
  `min_tickets` (6) tickets received are listed but not ranked.
- Call-in: in the groups the policy names, the last ranked unit (or the last two) whose score
  is below a share of the group's top score. The shares are dated policy: the work rules say
  90 % and 85 %; the August 2023 bulletin applied 85 % and 80 %.
- Escalation within a calendar year: called in twice in a row or three times in all → the
  unit's principal leader (主要领导) is called in; three in a row or five in all → a public
  statement (公开表态发言). Otherwise the deputy in charge (分管领导) is called in.
- The year's result is the average of the months' scores; honours go to the first of the
  districts and counties groups and the first two of the departments and streets groups.

Where the rules leave a choice, this module makes it once:

- Component values are percentages of the tickets received: 查收/签收 = 按时签收率,
  与诉求人沟通 = 服务过程满意率 (the caller's view of how they were dealt with), 反馈质量 =
  tickets not sent back for redo, 办理时效 = tickets not overdue, 办理质量 = tickets closed
  without a redo, 办结率, 回复率, 满意率 = 办理结果满意率, 知识点报送 = full marks with at least
  the policy's number of KB articles that month. A component without a value (未抽访, or no KB
  figures) is left out and the others are scaled to the full points.
- "The last two" takes in every unit tied with the second-to-last; a unit is called in only
  when strictly below the threshold (share × top score).
- A month's call-in shares are those of the policy entry in force on the month's first day.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from agent_app.core.errors import UserError
from agent_app.core.i18n import QT_TRANSLATE_NOOP
from agent_app.core.reports import Month, MonthlyReport, UnitDirectory, UnitRow

POLICY_FILENAME = "assessment.json"
_HUNDREDTH = Decimal("0.01")
_HUNDRED = Decimal(100)

LEVEL_DEPUTY = "deputy"  # 由市政府办公室领导约谈其分管领导
LEVEL_PRINCIPAL = "principal"  # 约谈其主要领导
LEVEL_PUBLIC = "public_statement"  # 主要领导公开表态发言
LEVELS = (LEVEL_DEPUTY, LEVEL_PRINCIPAL, LEVEL_PUBLIC)

COMPONENTS = ("acceptance", "communication", "feedback_quality", "timeliness",
              "handling_quality", "closed_rate", "reply_rate", "satisfaction", "knowledge")
ADJUSTING_ROLES = frozenset({"lead", "admin"})


class PolicyError(ValueError):
    """The assessment policy cannot be used; the message names the entry."""


class InputError(ValueError):
    """A score or adjustment table with bad lines; nothing of it was applied."""

    def __init__(self, source: str, problems: Sequence[tuple[int, str]]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{source} line {n}: {why}" for n, why in self.problems))


# Policy ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharePeriod:
    """The call-in shares in force from `starts` to `ends` (inclusive; None: until changed)."""

    starts: date
    ends: date | None
    shares: Mapping[str, Decimal]  # share name → fraction of the group's top score
    source: str

    def covers(self, day: date) -> bool:
        return self.starts <= day and (self.ends is None or day <= self.ends)


@dataclass(frozen=True)
class CallInRule:
    last: int  # the last `last` ranked units may be called in
    share_name: str  # which dated share applies


@dataclass(frozen=True)
class AssessmentPolicy:
    points: Mapping[str, Decimal]  # component → points; together the full score
    component_names: Mapping[str, str]  # component → its name in the work rules
    min_tickets: int
    kb_articles_per_month: int
    call_in: Mapping[str, CallInRule]  # group code → rule
    periods: tuple[SharePeriod, ...]  # by start date, never overlapping
    principal_in_a_row: int
    principal_in_year: int
    public_in_a_row: int
    public_in_year: int
    honours: Mapping[str, int]  # group code → how many units are honoured

    @classmethod
    def from_dict(cls, data: Any) -> AssessmentPolicy:
        if not isinstance(data, dict):
            raise PolicyError("the assessment policy must be a JSON object")
        points: dict[str, Decimal] = {}
        names: dict[str, str] = {}
        for number, item in enumerate(_list(data, "components"), start=1):
            where = f"components entry {number}"
            code = _text(item, "code", where)
            if code not in COMPONENTS:
                raise PolicyError(f"{where}: unknown component {code!r}")
            if code in points:
                raise PolicyError(f"{where}: component {code!r} is listed twice")
            points[code] = _decimal(item, "points", where)
            names[code] = _text(item, "name", where)
        call_in_data = data.get("call_in")
        if not isinstance(call_in_data, dict):
            raise PolicyError("call_in: missing or not an object")
        periods = _periods(_list(call_in_data, "shares"))
        share_names = {name for period in periods for name in period.shares}
        rules: dict[str, CallInRule] = {}
        for number, item in enumerate(_list(call_in_data, "groups"), start=1):
            where = f"call_in groups entry {number}"
            share = _text(item, "share", where)
            if share not in share_names:
                raise PolicyError(f"{where}: no dated share is called {share!r}")
            last = item.get("last")
            if not isinstance(last, int) or isinstance(last, bool) or last < 1:
                raise PolicyError(f"{where}: last must be a whole number of units, at least 1")
            rules[_text(item, "group", where)] = CallInRule(last, share)
        escalation = data.get("escalation", {})
        honours = data.get("honours", {})
        if not isinstance(honours, dict) or not all(
                isinstance(v, int) and v >= 0 for v in honours.values()):
            raise PolicyError("honours: each group needs a whole number of units")
        return cls(
            points=points, component_names=names,
            min_tickets=_whole(data, "min_tickets", 6),
            kb_articles_per_month=_whole(data, "kb_articles_per_month", 1),
            call_in=rules, periods=periods,
            principal_in_a_row=_whole(escalation, "principal_in_a_row", 2),
            principal_in_year=_whole(escalation, "principal_in_year", 3),
            public_in_a_row=_whole(escalation, "public_in_a_row", 3),
            public_in_year=_whole(escalation, "public_in_year", 5),
            honours=dict(honours))

    @classmethod
    def load(cls, path: Path) -> AssessmentPolicy:
        """From a JSON file; a PolicyError names the file and the line of the bad entry."""
        try:
            text = path.read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PolicyError(f"cannot read the assessment policy {path.name}: {exc}") from exc
        try:
            return cls.from_dict(data)
        except PolicyError as exc:
            line = _entry_line(text, str(exc))
            where = f"{path.name} line {line}" if line else path.name
            raise PolicyError(f"{where}: {exc}") from exc

    @property
    def full_points(self) -> Decimal:
        return sum(self.points.values(), Decimal(0))

    def period_for(self, month: Month) -> SharePeriod | None:
        first_day = date(month.year, month.month, 1)
        return next((p for p in self.periods if p.covers(first_day)), None)

    def share_for(self, group: str, month: Month) -> tuple[CallInRule, Decimal] | None:
        rule = self.call_in.get(group)
        period = self.period_for(month)
        if rule is None or period is None or rule.share_name not in period.shares:
            return None
        return rule, period.shares[rule.share_name]


def _periods(items: list[Any]) -> tuple[SharePeriod, ...]:
    periods: list[tuple[int, SharePeriod]] = []
    for number, item in enumerate(items, start=1):
        where = f"call_in shares entry {number}"
        starts = _day(item.get("from"), f"{where}: from")
        ends = None if item.get("to") is None else _day(item.get("to"), f"{where}: to")
        if ends is not None and ends < starts:
            raise PolicyError(f"{where}: ends ({ends}) before it starts ({starts})")
        shares_data = item.get("shares")
        if not isinstance(shares_data, dict) or not shares_data:
            raise PolicyError(f"{where}: shares must name at least one share")
        shares: dict[str, Decimal] = {}
        for name, value in shares_data.items():
            share = _number(value, f"{where}: share {name!r}")
            if not Decimal(0) < share <= Decimal(1):
                raise PolicyError(f"{where}: share {name!r} must be above 0 and at most 1")
            shares[name] = share
        period = SharePeriod(starts, ends, shares, str(item.get("source", "")))
        for other_number, other in periods:
            if _overlap(period, other):
                raise PolicyError(f"{where}: its dates overlap entry {other_number} "
                                  f"({other.starts} – {other.ends or '…'})")
        periods.append((number, period))
    return tuple(sorted((p for _, p in periods), key=lambda p: p.starts))


_ENTRY_RE = re.compile(r"^(components|call_in groups|call_in shares) entry (\d+)")
# The key every entry of the list starts with, to find the entry's line in the file.
_ENTRY_KEYS = {"components": "code", "call_in groups": "group", "call_in shares": "from"}


def _entry_line(text: str, message: str) -> int | None:
    """The line of the file where the entry a message names begins (its n-th key)."""
    match = _ENTRY_RE.match(message)
    if match is None:
        return None
    key, number = _ENTRY_KEYS[match.group(1)], int(match.group(2))
    positions = [m.start() for m in re.finditer(rf'"{key}"\s*:', text)]
    if number > len(positions):
        return None
    return text.count("\n", 0, positions[number - 1]) + 1


def _overlap(one: SharePeriod, other: SharePeriod) -> bool:
    one_ends, other_ends = one.ends or date.max, other.ends or date.max
    return one.starts <= other_ends and other.starts <= one_ends


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise PolicyError(f"{key}: missing or not a list of objects")
    return value


def _text(item: Mapping[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PolicyError(f"{where}: {key} must be text")
    return value


def _decimal(item: Mapping[str, Any], key: str, where: str) -> Decimal:
    return _number(item.get(key), f"{where}: {key}")


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise PolicyError(f"{where} is not a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise PolicyError(f"{where} is not a number") from exc
    if not number.is_finite() or number < 0:
        raise PolicyError(f"{where} must be a number of at least 0")
    return number


def _whole(data: Any, key: str, default: int) -> int:
    value = data.get(key, default) if isinstance(data, dict) else default
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise PolicyError(f"{key} must be a whole number")
    return value


def _day(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise PolicyError(f"{where} is not a date YYYY-MM-DD") from exc


# Inputs: official scores and manual adjustments -------------------------------------------


@dataclass(frozen=True)
class OfficialScore:
    unit: str  # official name
    group: str
    score: Decimal
    month: Month | None  # None: the report's month
    line: int


@dataclass(frozen=True)
class Adjustment:
    """加分 (points > 0) or 扣分 (points < 0), with the reason and who decided it."""

    unit: str
    group: str
    points: Decimal
    reason: str
    by: str
    role: str
    line: int
    month: Month | None = None
    at: datetime | None = None  # when it was recorded (kept adjustments)


# The published tables' own column titles, read as the CSV names.
HEADER_NAMES = {"网络单位": "unit", "承办单位": "unit", "单位": "unit", "考核总分": "score",
                "月份": "month", "分组": "group", "考核分组": "group"}


def _rows(text: str, required: Sequence[str], source: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = [HEADER_NAMES.get(name.strip(), name.strip().lower())
              for name in reader.fieldnames or ()]
    missing = [name for name in required if name not in header]
    if missing:
        raise InputError(source, [(1, f"the header needs the columns {', '.join(required)} "
                                      f"(missing: {', '.join(missing)})")])
    # Other columns (a published table's 排名, say) are read past, not refused.
    reader.fieldnames = header
    rows = []
    for row in reader:
        values = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
        if not any(values.values()):
            continue  # a blank line
        if None in row:
            rows.append((reader.line_num, {"__extra__": "yes"}))
            continue
        rows.append((reader.line_num, values))
    return rows


def _unit_of(name: str, directory: UnitDirectory, group: str = "") -> tuple[str, str] | str:
    """(official name, group) or the problem. A `group` (code or name) picks among the units
    a short name may mean, and must be the unit's."""
    if not name:
        return "no unit named"
    found = directory.lookup(name)
    code = directory.group_code(group) if group else ""
    if code and code not in dict(directory.groups):
        return f"unknown ranking group {group!r}"
    if code:
        found = directory.lookup_in_group(name, code) or found
    if found is None:
        return f"unknown unit {name!r}: the catalogue cannot place it in a ranking group"
    if isinstance(found, list):
        return f"{name!r} is ambiguous ({', '.join(found)}): write the full name"
    if code and found[1] != code:
        return f"{found[0]} is in the group {directory.group_name(found[1])}, not {group!r}"
    return found


def _month_of(text: str) -> Month | str | None:
    if not text:
        return None
    try:
        return Month.parse(text)
    except ValueError:
        return f"month {text!r} is not in the form YYYY-MM"


def parse_scores(text: str, directory: UnitDirectory, *, source: str = "scores"
                 ) -> list[OfficialScore]:
    """An official score table: columns `unit,score` (or the published 网络单位,考核总分), and
    optionally `month` (for earlier months of the year) and `group` (to tell apart short
    names two centres share); other columns are read past. Raises InputError listing every
    bad line; returns nothing partial."""
    problems: list[tuple[int, str]] = []
    scores: list[OfficialScore] = []
    seen: dict[tuple[str, Month | None], int] = {}
    for line, row in _rows(text, ("unit", "score"), source):
        if "__extra__" in row:
            problems.append((line, "more values than columns"))
            continue
        unit = _unit_of(row["unit"], directory, row.get("group", ""))
        month = _month_of(row.get("month", ""))
        score = _score_value(row["score"])
        for problem in (unit, month, score):
            if isinstance(problem, str):
                problems.append((line, problem))
        if isinstance(unit, str) or isinstance(month, str) or isinstance(score, str):
            continue
        key = (unit[0], month)
        if key in seen:
            problems.append((line, f"duplicate row: {unit[0]} already has a score on line "
                                   f"{seen[key]}"))
            continue
        seen[key] = line
        scores.append(OfficialScore(unit[0], unit[1], score, month, line))
    if problems:
        raise InputError(source, problems)
    return scores


def _score_value(text: str) -> Decimal | str:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return f"score {text!r} is not a number"
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(1000):
        return f"score {text!r} is not between 0 and 1000"
    return value


def parse_adjustments(text: str, directory: UnitDirectory, *, source: str = "adjustments"
                      ) -> list[Adjustment]:
    """Manual 加分/扣分: columns `unit,points,reason,by,role` (and optionally `month`); role is
    lead or admin. Raises InputError listing every bad line."""
    problems: list[tuple[int, str]] = []
    adjustments: list[Adjustment] = []
    for line, row in _rows(text, ("unit", "points", "reason", "by", "role"), source):
        if "__extra__" in row:
            problems.append((line, "more values than columns"))
            continue
        found = False
        unit = _unit_of(row["unit"], directory)
        month = _month_of(row.get("month", ""))
        for problem in (unit, month):
            if isinstance(problem, str):
                problems.append((line, problem))
                found = True
        try:
            points = Decimal(row["points"])
            if not points.is_finite() or abs(points) > 100:
                raise InvalidOperation
        except InvalidOperation:
            problems.append((line, f"points {row['points']!r} is not a number from -100 to 100"))
            found = True
        if not row["reason"]:
            problems.append((line, "an adjustment needs its reason"))
            found = True
        if not row["by"]:
            problems.append((line, "an adjustment needs who made it"))
            found = True
        if row["role"] not in ADJUSTING_ROLES:
            problems.append((line, f"role {row['role']!r}: only a lead or an admin adjusts "
                                   "scores"))
            found = True
        if found or isinstance(unit, str) or isinstance(month, str):
            continue
        adjustments.append(Adjustment(unit[0], unit[1], points, row["reason"], row["by"],
                                      row["role"], line, month))
    if problems:
        raise InputError(source, problems)
    return adjustments


# Scores ------------------------------------------------------------------------------------


def component_values(row: UnitRow, kb_articles: int | None,
                     policy: AssessmentPolicy) -> dict[str, Decimal | None]:
    """Each component as a percentage (0–100), None where this month gives it no value."""
    received = row.received

    def share(part: int) -> Decimal | None:
        return Decimal(100 * max(0, part)) / received if received else None

    def rate(value: float | None) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    knowledge = None
    if kb_articles is not None:
        knowledge = _HUNDRED if kb_articles >= policy.kb_articles_per_month else Decimal(0)
    return {
        "acceptance": rate(row.on_time_accept_rate),
        "communication": rate(row.process_satisfaction),
        "feedback_quality": share(received - row.redo),
        "timeliness": share(received - row.overdue),
        "handling_quality": share(row.closed - row.redo),
        "closed_rate": rate(row.closed_rate),
        "reply_rate": rate(row.reply_rate),
        "satisfaction": rate(row.result_satisfaction),
        "knowledge": knowledge,
    }


def computed_score(row: UnitRow, kb_articles: int | None,
                   policy: AssessmentPolicy) -> Decimal | None:
    """The policy's points for this unit's month; None without tickets received."""
    if row.received <= 0:
        return None
    values = component_values(row, kb_articles, policy)
    earned = Decimal(0)
    available = Decimal(0)
    for code, points in policy.points.items():
        value = values.get(code)
        if value is None:
            continue
        earned += points * min(value, _HUNDRED) / _HUNDRED
        available += points
    if available == 0:
        return None
    return (earned * policy.full_points / available).quantize(_HUNDREDTH, ROUND_HALF_UP)


# Ranking and call-ins ---------------------------------------------------------------------


def competition_ranks(scores: Mapping[str, Decimal]) -> dict[str, int]:
    """Higher first; equal scores share a rank and the next rank skips (1, 1, 3)."""
    ordered = sorted(scores.values(), reverse=True)
    first_at: dict[Decimal, int] = {}
    for position, score in enumerate(ordered, start=1):
        first_at.setdefault(score, position)
    return {unit: first_at[score] for unit, score in scores.items()}


@dataclass(frozen=True)
class GroupCallIn:
    group: str
    top_score: Decimal | None
    share: Decimal | None
    last: int | None
    threshold: Decimal | None
    called_in: tuple[str, ...]
    policy_source: str

    def as_dict(self) -> dict[str, Any]:
        return {"group": self.group,
                "threshold": _float(self.threshold),
                "top_score": _float(self.top_score),
                "share": _float(self.share), "last": self.last,
                "called_in": list(self.called_in), "policy_source": self.policy_source}


def group_call_ins(group: str, ranked: Mapping[str, Decimal], month: Month,
                   policy: AssessmentPolicy) -> GroupCallIn:
    """Who of a group's ranked units is called in this month, and the threshold."""
    found = policy.share_for(group, month)
    period = policy.period_for(month)
    source = period.source if period else ""
    if found is None or not ranked:
        return GroupCallIn(group, max(ranked.values(), default=None), None, None, None, (),
                           source)
    rule, share = found
    top = max(ranked.values())
    threshold = top * share
    ascending = sorted(ranked.values())
    # Everyone tied with the `last`-th lowest counts as one of the last.
    boundary = ascending[min(rule.last, len(ascending)) - 1]
    called = tuple(sorted((unit for unit, score in ranked.items()
                           if score <= boundary and score < threshold),
                          key=lambda unit: (ranked[unit], unit)))
    return GroupCallIn(group, top, share, rule.last, threshold, called, source)


def escalation_level(month: Month, called_in_months: Iterable[Month],
                     policy: AssessmentPolicy) -> tuple[str, int]:
    """The level of this month's call-in and the year's count so far, given the earlier
    months of the same year in which the unit was called in (this month included or not)."""
    months = {m for m in called_in_months if m.year == month.year and m.month <= month.month}
    months.add(month)
    in_a_row = 0
    current = month
    while current in months:
        in_a_row += 1
        if current.month == 1:
            break
        current = current.previous()
    total = len(months)
    if in_a_row >= policy.public_in_a_row or total >= policy.public_in_year:
        return LEVEL_PUBLIC, total
    if in_a_row >= policy.principal_in_a_row or total >= policy.principal_in_year:
        return LEVEL_PRINCIPAL, total
    return LEVEL_DEPUTY, total


# The assessed report ----------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentInputs:
    scores: Sequence[OfficialScore] = ()  # only those of the report's month are used
    adjustments: Sequence[Adjustment] = ()
    kb_articles: Mapping[str, int] | None = None  # official unit name → articles this month
    # Earlier months of the year: unit → the months it was called in.
    call_in_history: Mapping[str, Sequence[Month]] | None = None
    # Earlier months of the year: month → unit → score, for the year's average.
    score_history: Mapping[Month, Mapping[str, Decimal]] | None = None


def assess(report: MonthlyReport, policy: AssessmentPolicy, directory: UnitDirectory,
           inputs: AssessmentInputs = AssessmentInputs()) -> MonthlyReport:
    month = report.month
    official = {s.unit: s for s in inputs.scores if s.month in (None, month)}
    adjustments = [a for a in inputs.adjustments if a.month in (None, month)]
    adjusted: dict[str, Decimal] = defaultdict(Decimal)
    for adjustment in adjustments:
        adjusted[adjustment.unit] += adjustment.points
    # Keyed by official name; a row keeps the name the data gave it (seed 003's 医保局).
    rows = {directory.canonical_name(row.unit, row.group): row for row in report.units}
    names = dict(directory.groups)
    # A unit the official table scores but no ticket of the month names: listed, received 0.
    for unit, official_score in official.items():
        if unit not in rows:
            group = official_score.group
            rows[unit] = _empty_row(unit, group, names.get(group, group))
    for adjustment in adjustments:
        if adjustment.unit not in rows:
            rows[adjustment.unit] = _empty_row(adjustment.unit, adjustment.group,
                                               names.get(adjustment.group, adjustment.group))
    scored: dict[str, tuple[Decimal | None, Decimal | None, str | None]] = {}
    adjusted_by_row: dict[str, Decimal] = {}
    for unit, row in rows.items():
        kb = None
        if inputs.kb_articles is not None:
            kb = inputs.kb_articles.get(unit, inputs.kb_articles.get(row.unit, 0))
        computed = computed_score(row, kb, policy)
        if computed is not None or unit in adjusted:
            computed = max(Decimal(0), (computed or Decimal(0)) + adjusted.get(unit, 0))
        adjusted_by_row[row.unit] = adjusted.get(unit, Decimal(0))
        if unit in official:
            scored[row.unit] = (official[unit].score, computed, "official")
        elif computed is not None:
            scored[row.unit] = (computed, computed, "computed")
        else:
            scored[row.unit] = (None, None, None)
    by_group: dict[str, list[UnitRow]] = defaultdict(list)
    for row in rows.values():
        by_group[row.group].append(row)
    history = inputs.call_in_history or {}
    assessed: list[UnitRow] = []
    thresholds: list[dict[str, Any]] = []
    for group in sorted(by_group, key=directory.group_order):
        ranked = {row.unit: scored[row.unit][0] for row in by_group[group]
                  if scored[row.unit][0] is not None and row.received >= policy.min_tickets}
        ranks = competition_ranks({u: s for u, s in ranked.items() if s is not None})
        call_ins = group_call_ins(group, {u: s for u, s in ranked.items() if s is not None},
                                  month, policy)
        thresholds.append(call_ins.as_dict())
        group_rows = []
        for row in by_group[group]:
            score, computed, source = scored[row.unit]
            interview = row.unit in call_ins.called_in
            level, count = (escalation_level(month, history.get(row.unit, ()), policy)
                            if interview else (None, _count_in_year(history.get(row.unit, ()),
                                                                    month)))
            group_rows.append(replace(
                row, rank=ranks.get(row.unit), score=_float(score), score_source=source,
                computed_score=_float(computed), adjustment=float(adjusted_by_row[row.unit]),
                interview=interview, interview_level=level, interviews_in_year=count))
        assessed += sorted(group_rows, key=lambda r: (r.rank is None, r.rank or 0,
                                                      -(r.score or 0), -r.received, r.unit))
    groups = tuple((code, names.get(code) or dict(report.groups).get(code, code))
                   for code in sorted(by_group, key=directory.group_order))
    audited = tuple({"unit": a.unit, "points": float(a.points), "reason": a.reason,
                     "by": a.by, "role": a.role,
                     **({"at": a.at.isoformat()} if a.at is not None else {})}
                    for a in adjustments)
    result = replace(report, units=tuple(assessed), groups=groups,
                     thresholds=tuple(thresholds), adjustments=audited)
    return replace(result, year=tuple(year_result(result, inputs.score_history or {}, policy)))


def _count_in_year(months: Iterable[Month], month: Month) -> int:
    return len({m for m in months if m.year == month.year and m.month < month.month})


def _empty_row(unit: str, group: str, group_name: str) -> UnitRow:
    return UnitRow(unit=unit, group=group, group_name=group_name, received=0, overdue=0,
                   redo=0, result_rated=0, result_satisfied=0, process_rated=0,
                   process_satisfied=0, closed=0, replied=0, accepted_on_time=0,
                   result_satisfaction=None, process_satisfaction=None, closed_rate=None,
                   reply_rate=None, on_time_accept_rate=None, rank=None)


def called_in_units(report: MonthlyReport) -> set[str]:
    return {row.unit for row in report.units if row.interview}


def ranked_scores(report: MonthlyReport) -> dict[str, Decimal]:
    """The ranked units' scores of an assessed month (the year's average reads these)."""
    return {row.unit: Decimal(str(row.score)) for row in report.units
            if row.rank is not None and row.score is not None}


def year_result(report: MonthlyReport, earlier: Mapping[Month, Mapping[str, Decimal]],
                policy: AssessmentPolicy) -> list[dict[str, Any]]:
    """Year to date: per unit the average of its ranked months' scores, the rank of that
    average within the group, and the honours (final once the month is December)."""
    month = report.month
    months: dict[Month, Mapping[str, Decimal]] = {
        m: s for m, s in earlier.items() if m.year == month.year and m.month < month.month}
    months[month] = ranked_scores(report)
    per_unit: dict[str, list[Decimal]] = defaultdict(list)
    for scores in months.values():
        for unit, score in scores.items():
            per_unit[unit].append(score)
    group_of = {row.unit: row.group for row in report.units}
    rows: list[dict[str, Any]] = []
    by_group: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for unit, unit_scores in per_unit.items():
        if unit in group_of:
            by_group[group_of[unit]][unit] = (
                sum(unit_scores, Decimal(0)) / len(unit_scores)).quantize(
                _HUNDREDTH, ROUND_HALF_UP)
    for group, averages in by_group.items():
        ranks = competition_ranks(averages)
        honoured = policy.honours.get(group, 0)
        for unit, average in sorted(averages.items(), key=lambda item: (-item[1], item[0])):
            rows.append({"unit": unit, "group": group, "months": len(per_unit[unit]),
                         "average": float(average), "rank": ranks[unit],
                         "honour": ranks[unit] <= honoured, "final": month.month == 12})
    return rows


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(Decimal("0.0001"), ROUND_HALF_UP))


def assess_month(month: Month, report_for: Callable[[Month], MonthlyReport],
                 policy: AssessmentPolicy, directory: UnitDirectory, *,
                 scores: Sequence[OfficialScore] = (),
                 adjustments: Sequence[Adjustment] = (),
                 kb_articles: Callable[[Month], Mapping[str, int] | None] | None = None
                 ) -> MonthlyReport:
    """The month assessed, with the year's earlier months assessed first (from their own
    tickets, or their official scores where given) for the escalation and the year's result."""
    call_ins: dict[str, list[Month]] = defaultdict(list)
    score_history: dict[Month, Mapping[str, Decimal]] = {}
    scored_months = {s.month for s in scores}
    current = Month(month.year, 1)
    while current != month:
        earlier = report_for(current)
        if not earlier.is_empty or current in scored_months:
            assessed = assess(earlier, policy, directory, AssessmentInputs(
                scores=[s for s in scores if s.month == current],
                adjustments=[a for a in adjustments if a.month == current],
                kb_articles=kb_articles(current) if kb_articles else None,
                call_in_history=call_ins))
            for unit in called_in_units(assessed):
                call_ins[unit].append(current)
            score_history[current] = ranked_scores(assessed)
        current = current.next()
    return assess(report_for(month), policy, directory, AssessmentInputs(
        scores=[s for s in scores if s.month in (None, month)],
        adjustments=[a for a in adjustments if a.month in (None, month)],
        kb_articles=kb_articles(month) if kb_articles else None,
        call_in_history=call_ins, score_history=score_history))


# Why a manual adjustment cannot be kept: core sentences, said by the reports screen in the
# user's language (AdjustmentRefusedError) and by the command line as they are.
A_POINTS = QT_TRANSLATE_NOOP("AssessmentRule", "points must be a number from -100 to 100, not 0")
A_NO_REASON = QT_TRANSLATE_NOOP("AssessmentRule", "an adjustment needs its reason")
A_LONG_REASON = QT_TRANSLATE_NOOP("AssessmentRule",
                                  "the reason is too long (at most 500 characters)")
A_ROLE = QT_TRANSLATE_NOOP("AssessmentRule", "only a lead or an admin adjusts scores")


class AdjustmentRefusedError(UserError):
    """A manual adjustment that may not be kept; `reason` is one of the A_ sentences."""

    context = "AssessmentRule"


def adjustment_problems(points: Decimal | None, reason: str, role: str) -> dict[str, str]:
    """What is wrong with a manual adjustment, by field (empty when it can be recorded)."""
    problems: dict[str, str] = {}
    if points is None or not points.is_finite() or points == 0 or abs(points) > 100:
        problems["points"] = A_POINTS
    if not reason.strip():
        problems["reason"] = A_NO_REASON
    elif len(reason) > 500:
        problems["reason"] = A_LONG_REASON
    if role not in ADJUSTING_ROLES:
        problems["role"] = A_ROLE
    return problems
