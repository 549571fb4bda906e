from datetime import date, datetime, timedelta

import pytest

from agent_app.core.calendar import CHINA_TZ, WorkingCalendar
from agent_app.core.deadlines import (
    DeadlinePolicy,
    NoPolicyRuleError,
    accept_deadline,
    compute_deadline,
)
from agent_app.core.enums import AppealType as A
from agent_app.core.enums import Urgency as U  # noqa: N817

# The defaults of DESIGN.md §2, written out here independently of resources/.
POLICY = DeadlinePolicy.from_dict({
    "accept_within_working_hours": 2,
    "rules": [
        {"appeal_type": "*", "urgency": "critical", "amount": 24, "unit": "hours",
         "working": False},
        {"appeal_type": "*", "urgency": "urgent", "amount": 2, "unit": "days", "working": True},
        {"appeal_type": "consultation", "urgency": "*", "amount": 1, "unit": "days",
         "working": True},
        {"appeal_type": "help", "urgency": "*", "amount": 5, "unit": "days", "working": True},
        {"appeal_type": "complaint", "urgency": "*", "amount": 5, "unit": "days",
         "working": True},
        {"appeal_type": "suggestion", "urgency": "*", "amount": 10, "unit": "days",
         "working": True},
    ],
})
CAL = WorkingCalendar()
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=CHINA_TZ)


def test_urgency_outranks_appeal_type():
    assert POLICY.rule_for(A.COMPLAINT, U.URGENT).amount == 2
    assert POLICY.rule_for(A.COMPLAINT, U.NORMAL).amount == 5
    assert POLICY.rule_for(A.SUGGESTION, U.CRITICAL).unit == "hours"


def test_deadlines_by_type_and_urgency():
    assert compute_deadline(MONDAY_10, A.CONSULTATION, U.NORMAL, POLICY, CAL).date() == date(
        2026, 11, 24)
    assert compute_deadline(MONDAY_10, A.HELP, U.NORMAL, POLICY, CAL).date() == date(2026, 11, 30)
    assert compute_deadline(MONDAY_10, A.SUGGESTION, U.NORMAL, POLICY, CAL).date() == date(
        2026, 12, 7)
    assert compute_deadline(MONDAY_10, A.HELP, U.CRITICAL, POLICY, CAL) == MONDAY_10 + timedelta(
        hours=24)


def test_accept_deadline_is_two_working_hours():
    assert accept_deadline(MONDAY_10, POLICY, CAL) == MONDAY_10.replace(hour=12)


def test_a_type_without_a_rule_is_an_explicit_error():
    with pytest.raises(NoPolicyRuleError):
        POLICY.rule_for(A.PRAISE, U.NORMAL)


@pytest.mark.parametrize("bad", [
    {"appeal_type": "nonsense", "urgency": "*", "amount": 1, "unit": "days", "working": True},
    {"appeal_type": "*", "urgency": "normal", "amount": 0, "unit": "days", "working": True},
    {"appeal_type": "*", "urgency": "normal", "amount": 1, "unit": "weeks", "working": True},
])
def test_malformed_policy_rules_are_rejected(bad):
    with pytest.raises(ValueError):
        DeadlinePolicy.from_dict({"rules": [bad]})


def test_the_shipped_policy_covers_every_type_and_urgency():
    import json

    from agent_app.paths import resources_dir

    shipped = DeadlinePolicy.from_dict(json.loads(
        (resources_dir() / "catalogues" / "deadline_policy.json").read_text(encoding="utf-8")))
    for appeal_type in A:
        for urgency in U:
            assert compute_deadline(MONDAY_10, appeal_type, urgency, shipped, CAL) > MONDAY_10
    assert shipped.rule_for(A.CONSULTATION, U.NORMAL).amount == 1
    assert shipped.rule_for(A.REPORT, U.URGENT).amount == 2
