"""Five-element completeness (五要素: who, when, where, what, demand) with field-level messages.

A ticket that will be dispatched must be complete to community level, because the unit has to
find the place; a consultation answered on the call needs no place, and no separate demand:
the answer given records what the caller wanted to know. The category stays required either
way, because the monthly bulletin counts consultations by category (seed 002: 咨询类 2049,
民主法制—政策咨询 404).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from agent_app.core.i18n import QT_TRANSLATE_NOOP
from agent_app.core.models import Caller, LocationPath

MESSAGE_CONTEXT = "Completeness"

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")

MIN_CONTENT_CHARS = 5
MAX_CONTENT_CHARS = 2000
MAX_DEMAND_CHARS = 500


class Element(StrEnum):
    WHO = "who"
    WHEN = "when"
    WHERE = "where"
    WHAT = "what"
    DEMAND = "demand"


class Outcome(StrEnum):
    DISPATCH = "dispatch"
    ANSWER = "answer"


# The elements each way out of the call needs; the form's bar shows only these.
REQUIRED_ELEMENTS: dict[Outcome, frozenset[Element]] = {
    Outcome.DISPATCH: frozenset(Element),
    Outcome.ANSWER: frozenset({Element.WHO, Element.WHEN, Element.WHAT}),
}


@dataclass(frozen=True)
class FieldIssue:
    field: str  # the form field the message belongs next to
    element: Element
    message: str  # English source text; translate in context MESSAGE_CONTEXT


@dataclass(frozen=True)
class IntakeFacts:
    """What the completeness check looks at; the intake form builds it from its fields."""

    caller: Caller
    received_at: datetime | None
    location: LocationPath
    address: str
    content: str
    demand: str


def is_valid_phone(phone: str) -> bool:
    phone = phone.strip().replace(" ", "")
    return bool(MOBILE_RE.match(phone) or LANDLINE_RE.match(phone))


def check_completeness(facts: IntakeFacts, outcome: Outcome) -> list[FieldIssue]:
    """Every missing or malformed element, in form order; empty when the ticket may be saved."""
    issues: list[FieldIssue] = []
    caller = facts.caller
    if not caller.phone_withheld and not caller.phone.strip():
        issues.append(
            FieldIssue(
                "caller_phone",
                Element.WHO,
                QT_TRANSLATE_NOOP(
                    "Completeness", "Enter the caller's phone number or mark it as withheld."
                ),
            )
        )
    elif not caller.phone_withheld and not is_valid_phone(caller.phone):
        issues.append(
            FieldIssue(
                "caller_phone",
                Element.WHO,
                QT_TRANSLATE_NOOP(
                    "Completeness",
                    "Not a valid number: use an 11-digit mobile or a landline with area code.",
                ),
            )
        )
    if not caller.name.strip():
        issues.append(
            FieldIssue(
                "caller_name",
                Element.WHO,
                QT_TRANSLATE_NOOP(
                    "Completeness", "Enter how the caller wants to be addressed, e.g. 张先生."
                ),
            )
        )
    if facts.received_at is None:
        issues.append(
            FieldIssue(
                "received_at",
                Element.WHEN,
                QT_TRANSLATE_NOOP("Completeness", "The time of the appeal is missing."),
            )
        )
    if outcome is Outcome.DISPATCH:
        if not facts.location.is_complete:
            issues.append(
                FieldIssue(
                    "location",
                    Element.WHERE,
                    QT_TRANSLATE_NOOP("Completeness", "Choose the district, street and community."),
                )
            )
        if not facts.address.strip():
            issues.append(
                FieldIssue(
                    "address",
                    Element.WHERE,
                    QT_TRANSLATE_NOOP(
                        "Completeness", "Enter the address so the unit can find the place."
                    ),
                )
            )
    content = facts.content.strip()
    if len(content) < MIN_CONTENT_CHARS:
        issues.append(
            FieldIssue(
                "content",
                Element.WHAT,
                QT_TRANSLATE_NOOP(
                    "Completeness", "Describe what happened (at least 5 characters)."
                ),
            )
        )
    elif len(content) > MAX_CONTENT_CHARS:
        issues.append(
            FieldIssue(
                "content",
                Element.WHAT,
                QT_TRANSLATE_NOOP(
                    "Completeness", "The description is too long (at most 2000 characters)."
                ),
            )
        )
    demand = facts.demand.strip()
    if not demand and Element.DEMAND in REQUIRED_ELEMENTS[outcome]:
        issues.append(
            FieldIssue(
                "demand",
                Element.DEMAND,
                QT_TRANSLATE_NOOP("Completeness", "Enter what the caller asks for."),
            )
        )
    elif len(demand) > MAX_DEMAND_CHARS:
        issues.append(
            FieldIssue(
                "demand",
                Element.DEMAND,
                QT_TRANSLATE_NOOP(
                    "Completeness", "The demand is too long (at most 500 characters)."
                ),
            )
        )
    return issues


def missing_elements(issues: list[FieldIssue]) -> set[Element]:
    return {issue.element for issue in issues}
