"""Domain vocabulary of the 12345 hotline (DESIGN.md §2) as string enums.

Values are stable wire and storage codes. Labels are English source strings marked for
translation in context "Domain"; the zh_CN translation gives the words our users use.
"""

from __future__ import annotations

from enum import StrEnum

from agent_app.core.i18n import QT_TRANSLATE_NOOP

LABEL_CONTEXT = "Domain"


class Channel(StrEnum):
    PHONE_12345 = "phone_12345"
    HOTLINE_12315 = "hotline_12315"
    HOTLINE_12328 = "hotline_12328"
    HOTLINE_12333 = "hotline_12333"
    HOTLINE_12348 = "hotline_12348"
    MAYOR_MAILBOX = "mayor_mailbox"
    WEB_MESSAGE = "web_message"
    WECHAT = "wechat"
    APP = "app"


class AppealType(StrEnum):
    CONSULTATION = "consultation"
    HELP = "help"
    COMPLAINT = "complaint"
    REPORT = "report"
    SUGGESTION = "suggestion"
    PRAISE = "praise"
    OTHER = "other"


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"
    CRITICAL = "critical"


class Gender(StrEnum):
    UNKNOWN = "unknown"
    MALE = "male"
    FEMALE = "female"


class TicketStatus(StrEnum):
    DRAFT = "draft"
    REGISTERED = "registered"
    ANSWERED = "answered"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    REPLIED = "replied"
    CLOSED = "closed"
    MERGED = "merged"
    TRANSFERRED = "transferred"  # 转接: handed to 110/119/120/122 or a parallel hotline


class Rating(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"


class SupervisionLevel(StrEnum):
    REMINDER = "reminder"
    PHONE = "phone"
    WRITTEN = "written"


class Role(StrEnum):
    OPERATOR = "operator"
    LEAD = "lead"
    UNIT = "unit"
    ADMIN = "admin"


LABELS: dict[StrEnum, str] = {
    Channel.PHONE_12345: QT_TRANSLATE_NOOP("Domain", "12345 hotline"),
    Channel.HOTLINE_12315: QT_TRANSLATE_NOOP("Domain", "12315 hotline"),
    Channel.HOTLINE_12328: QT_TRANSLATE_NOOP("Domain", "12328 hotline"),
    Channel.HOTLINE_12333: QT_TRANSLATE_NOOP("Domain", "12333 hotline"),
    Channel.HOTLINE_12348: QT_TRANSLATE_NOOP("Domain", "12348 hotline"),
    Channel.MAYOR_MAILBOX: QT_TRANSLATE_NOOP("Domain", "Mayor's mailbox"),
    Channel.WEB_MESSAGE: QT_TRANSLATE_NOOP("Domain", "Web message"),
    Channel.WECHAT: QT_TRANSLATE_NOOP("Domain", "WeChat"),
    Channel.APP: QT_TRANSLATE_NOOP("Domain", "Mobile app"),
    AppealType.CONSULTATION: QT_TRANSLATE_NOOP("Domain", "Consultation"),
    AppealType.HELP: QT_TRANSLATE_NOOP("Domain", "Help"),
    AppealType.COMPLAINT: QT_TRANSLATE_NOOP("Domain", "Complaint"),
    AppealType.REPORT: QT_TRANSLATE_NOOP("Domain", "Report"),
    AppealType.SUGGESTION: QT_TRANSLATE_NOOP("Domain", "Suggestion"),
    AppealType.PRAISE: QT_TRANSLATE_NOOP("Domain", "Praise"),
    AppealType.OTHER: QT_TRANSLATE_NOOP("Domain", "Other"),
    Urgency.NORMAL: QT_TRANSLATE_NOOP("Domain", "Normal"),
    Urgency.URGENT: QT_TRANSLATE_NOOP("Domain", "Urgent"),
    Urgency.CRITICAL: QT_TRANSLATE_NOOP("Domain", "Critical"),
    Gender.UNKNOWN: QT_TRANSLATE_NOOP("Domain", "Unknown"),
    Gender.MALE: QT_TRANSLATE_NOOP("Domain", "Male"),
    Gender.FEMALE: QT_TRANSLATE_NOOP("Domain", "Female"),
    TicketStatus.DRAFT: QT_TRANSLATE_NOOP("Domain", "Draft"),
    TicketStatus.REGISTERED: QT_TRANSLATE_NOOP("Domain", "Registered"),
    TicketStatus.ANSWERED: QT_TRANSLATE_NOOP("Domain", "Answered directly"),
    TicketStatus.DISPATCHED: QT_TRANSLATE_NOOP("Domain", "Dispatched"),
    TicketStatus.ACCEPTED: QT_TRANSLATE_NOOP("Domain", "Accepted"),
    TicketStatus.RETURNED: QT_TRANSLATE_NOOP("Domain", "Returned"),
    TicketStatus.REPLIED: QT_TRANSLATE_NOOP("Domain", "Replied"),
    TicketStatus.CLOSED: QT_TRANSLATE_NOOP("Domain", "Closed"),
    TicketStatus.MERGED: QT_TRANSLATE_NOOP("Domain", "Merged"),
    TicketStatus.TRANSFERRED: QT_TRANSLATE_NOOP("Domain", "Transferred"),
    Rating.SATISFIED: QT_TRANSLATE_NOOP("Domain", "Satisfied"),
    Rating.BASICALLY_SATISFIED: QT_TRANSLATE_NOOP("Domain", "Basically satisfied"),
    Rating.DISSATISFIED: QT_TRANSLATE_NOOP("Domain", "Dissatisfied"),
    SupervisionLevel.REMINDER: QT_TRANSLATE_NOOP("Domain", "Reminder"),
    SupervisionLevel.PHONE: QT_TRANSLATE_NOOP("Domain", "Phone supervision"),
    SupervisionLevel.WRITTEN: QT_TRANSLATE_NOOP("Domain", "Written supervision"),
    Role.OPERATOR: QT_TRANSLATE_NOOP("Domain", "Operator"),
    Role.LEAD: QT_TRANSLATE_NOOP("Domain", "Team lead"),
    Role.UNIT: QT_TRANSLATE_NOOP("Domain", "Handling unit"),
    Role.ADMIN: QT_TRANSLATE_NOOP("Domain", "Administrator"),
}


def label(value: StrEnum) -> str:
    """English source label of a domain code; the UI translates it in context "Domain"."""
    return LABELS[value]
