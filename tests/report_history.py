"""Ticket histories for the report tests, written in the interchange format of DESIGN.md §7
(so the same history feeds the pure functions, a JSON Lines file and the local cache)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.reports import ReportTicket, report_ticket_from_dict


def cst(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
        microsecond: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=CHINA_TZ)


class TicketHistory:
    """One ticket, event by event; each method appends one timeline event."""

    def __init__(self, ticket_id: str, registered: datetime, *, channel: str = "phone_12345",
                 appeal_type: str = "complaint",
                 category: tuple[str, str] | None = ("城市管理", "路灯照明"),
                 unit_group: str | None = None) -> None:
        self.id = ticket_id
        self.unit_group = unit_group
        self.data: dict[str, Any] = {
            "id": ticket_id, "created_at": registered.isoformat(), "channel": channel,
            "appeal_type": appeal_type, "category": list(category) if category else None,
            "urgency": "normal", "content": "来电反映的问题", "status": "registered",
            "unit": None, "deadline": None, "events": []}
        self.event("registered", registered)

    def event(self, kind: str, at: datetime, **data: Any) -> TicketHistory:
        events = self.data["events"]
        events.append({"id": f"{self.id}-{len(events)}", "at": at.isoformat(), "kind": kind,
                       "actor": "test", **data})
        return self

    def dispatch(self, unit: str, at: datetime, *, days: float = 5) -> TicketHistory:
        deadline = at + timedelta(days=days)
        self.data.update(unit=unit, deadline=deadline.isoformat(), status="dispatched")
        return self.event("dispatched", at, unit=unit, deadline=deadline.isoformat())

    def accept(self, at: datetime) -> TicketHistory:
        return self.event("accepted", at, unit=self.data["unit"])

    def reply(self, at: datetime) -> TicketHistory:
        self.data["status"] = "replied"
        return self.event("replied", at, unit=self.data["unit"], text="已处理完毕并告知来电人")

    def callback(self, at: datetime, result: str | None, process: str | None) -> TicketHistory:
        return self.event("callback", at, reached=result is not None or process is not None,
                          result=result, process=process)

    def redo(self, at: datetime, *, days: float = 5) -> TicketHistory:
        deadline = (at + timedelta(days=days)).isoformat()
        self.data.update(deadline=deadline, status="dispatched")
        return self.event("redo", at, unit=self.data["unit"], reason="答复过于笼统，退回重办",
                          deadline=deadline)

    def extend(self, at: datetime, deadline: datetime) -> TicketHistory:
        self.data["deadline"] = deadline.isoformat()
        return self.event("extension", at, decision="approved", deadline=deadline.isoformat())

    def close(self, at: datetime) -> TicketHistory:
        self.data["status"] = "closed"
        return self.event("closed", at)

    def answer(self, at: datetime) -> TicketHistory:
        self.data["status"] = "answered"
        return self.event("answered", at, text="依据知识库答复")

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.data)
        if self.unit_group is not None:
            data["unit_group"] = self.unit_group
        return data

    def report_ticket(self) -> ReportTicket:
        return report_ticket_from_dict(self.as_dict())
