"""Deadline computation (限时办结) from a policy table that the server owns.

A rule matches an appeal type and an urgency, either of which may be "*". The most specific
matching rule wins, and urgency outranks appeal type: an urgent complaint follows the urgent
rule, not the complaint rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from agent_app.core.calendar import WorkingCalendar
from agent_app.core.enums import AppealType, Urgency

ANY = "*"


class DurationUnit(StrEnum):
    HOURS = "hours"
    DAYS = "days"


@dataclass(frozen=True)
class PolicyRule:
    appeal_type: str  # an AppealType value or "*"
    urgency: str  # an Urgency value or "*"
    amount: int
    unit: DurationUnit
    working: bool

    def specificity(self, appeal_type: AppealType, urgency: Urgency) -> int | None:
        """None when the rule does not apply; higher is more specific."""
        if self.appeal_type not in (ANY, appeal_type.value):
            return None
        if self.urgency not in (ANY, urgency.value):
            return None
        return (2 if self.urgency != ANY else 0) + (1 if self.appeal_type != ANY else 0)


class NoPolicyRuleError(LookupError):
    pass


@dataclass(frozen=True)
class DeadlinePolicy:
    rules: Sequence[PolicyRule]
    accept_within_working_hours: float = 2

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeadlinePolicy:
        rules = [
            PolicyRule(
                appeal_type=str(rule["appeal_type"]),
                urgency=str(rule["urgency"]),
                amount=int(rule["amount"]),
                unit=DurationUnit(rule["unit"]),
                working=bool(rule["working"]),
            )
            for rule in data["rules"]
        ]
        for rule in rules:
            if rule.amount < 1:
                raise ValueError(f"deadline rule with non-positive amount: {rule}")
            if rule.appeal_type != ANY:
                AppealType(rule.appeal_type)
            if rule.urgency != ANY:
                Urgency(rule.urgency)
        return cls(
            rules=rules,
            accept_within_working_hours=float(data.get("accept_within_working_hours", 2)),
        )

    def rule_for(self, appeal_type: AppealType, urgency: Urgency) -> PolicyRule:
        best: tuple[int, PolicyRule] | None = None
        for rule in self.rules:
            score = rule.specificity(appeal_type, urgency)
            if score is not None and (best is None or score > best[0]):
                best = (score, rule)
        if best is None:
            raise NoPolicyRuleError(f"no deadline rule for {appeal_type}/{urgency}")
        return best[1]


def compute_deadline(
    start: datetime,
    appeal_type: AppealType,
    urgency: Urgency,
    policy: DeadlinePolicy,
    calendar: WorkingCalendar,
) -> datetime:
    rule = policy.rule_for(appeal_type, urgency)
    if rule.unit is DurationUnit.HOURS:
        if rule.working:
            return calendar.add_working_hours(start, rule.amount)
        return start + timedelta(hours=rule.amount)
    if rule.working:
        return calendar.add_working_days(start, rule.amount)
    return start + timedelta(days=rule.amount)


def accept_deadline(start: datetime, policy: DeadlinePolicy, calendar: WorkingCalendar) -> datetime:
    """按时签收: a unit must accept a dispatched ticket within this many working hours."""
    return calendar.add_working_hours(start, policy.accept_within_working_hours)
