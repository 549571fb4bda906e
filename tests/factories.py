"""Small builders of domain objects for tests."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import AppealType, Channel, TicketStatus, Urgency
from agent_app.core.models import Caller, CategoryPath, LocationPath, Ticket, TicketEvent


def make_ticket(ticket_id: str = "T-0001", *, status: TicketStatus = TicketStatus.REGISTERED,
                phone: str = "13800000000", events: int = 1) -> Ticket:
    created = datetime(2026, 11, 23, 10, 0, tzinfo=CHINA_TZ)
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
        events=[TicketEvent(str(uuid.uuid4()), created + timedelta(seconds=n), "registered",
                            "op01") for n in range(events)],
    )
