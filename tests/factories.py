"""Small builders of domain objects for tests."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.deadlines import DeadlinePolicy
from agent_app.core.enums import AppealType, Channel, TicketStatus, Urgency
from agent_app.core.models import Caller, CategoryPath, LocationPath, Ticket, TicketEvent


def recent_morning(days_ago: int = 1) -> datetime:
    """10:00 Beijing time `days_ago` days before today. Tickets a test pushes to a server must
    be received within its bound (wire.MAX_RECEIVED_AGE), whenever the suite runs."""
    day = datetime.now(CHINA_TZ).date() - timedelta(days=days_ago)
    return datetime.combine(day, time(10), tzinfo=CHINA_TZ)


def make_ticket(ticket_id: str = "T-0001", *, status: TicketStatus = TicketStatus.REGISTERED,
                phone: str = "13800000000", events: int = 1,
                created: datetime | None = None) -> Ticket:
    """A registered ticket; received yesterday morning unless a test on a fixed clock says
    when."""
    created = created or recent_morning()
    return Ticket(
        id=ticket_id,
        created_at=created,
        channel=Channel.PHONE_12345,
        appeal_type=AppealType.COMPLAINT,
        urgency=Urgency.NORMAL,
        status=status,
        caller=Caller(name="张先生", phone=phone),
        category=CategoryPath("城市管理", "路灯照明"),
        location=LocationPath("卫东区", "五一路街道", "五一路社区"),
        address="五一路市41中门口",
        content="校门口两侧路灯长期不亮，晚上接孩子很不安全。",
        demand="希望尽快修复路灯",
        # The first event registers it; further ones are notes, as an intake can add.
        events=[TicketEvent(str(uuid.uuid4()), created, "registered", "op01"),
                *(TicketEvent(str(uuid.uuid4()), created + timedelta(seconds=n), "note", "op01",
                              {"text": f"补充说明 {n}"}) for n in range(1, events))],
    )


def dispatched(ticket: Ticket, unit: str, *, at: datetime | None = None) -> Ticket:
    """The ticket after the operator dispatched it to `unit` on the call: the dispatch is a
    command, so the deadline comes from the shipped policy as on the server."""
    from agent_app.core.actions import TicketCommand, apply_command
    from agent_app.core.calendar import WorkingCalendar
    from agent_app.core.lifecycle import Action

    command = TicketCommand(ticket.id, Action.DISPATCH, at or ticket.created_at, "op01",
                            {"unit": unit})
    return apply_command(ticket, command, policy=shipped_policy(), calendar=WorkingCalendar())


def shipped_policy() -> DeadlinePolicy:
    import json

    from agent_app.core.reference import DOCUMENTS
    from agent_app.paths import resources_dir

    path = resources_dir() / "catalogues" / DOCUMENTS["deadline_policy"]
    return DeadlinePolicy.from_dict(json.loads(path.read_text(encoding="utf-8")))
