"""The domain as plain dataclasses: no Qt, no database, no HTTP."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agent_app.core.enums import (
    AppealType,
    Channel,
    Gender,
    SupervisionLevel,
    TicketStatus,
    Urgency,
)


@dataclass(frozen=True)
class Caller:
    name: str = ""
    phone: str = ""
    gender: Gender = Gender.UNKNOWN
    phone_withheld: bool = False


@dataclass(frozen=True)
class CategoryPath:
    """A two-level category (一级分类 › 二级分类) by name, as tickets and reports carry it."""

    level1: str
    level2: str

    def __str__(self) -> str:
        return f"{self.level1}/{self.level2}"


@dataclass(frozen=True)
class LocationPath:
    """district › street/town › community/village; empty strings where not known yet."""

    district: str = ""
    street: str = ""
    community: str = ""

    @property
    def is_complete(self) -> bool:
        return bool(self.district and self.street and self.community)

    def __str__(self) -> str:
        return " › ".join(part for part in (self.district, self.street, self.community) if part)


def new_event_id() -> str:
    """Events are insert-only and named by the client that made them, so a replayed sync can
    never record one twice."""
    return str(uuid.uuid4())


@dataclass(frozen=True)
class TicketEvent:
    id: str
    at: datetime
    kind: str
    actor: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Ticket:
    id: str
    created_at: datetime
    channel: Channel
    appeal_type: AppealType
    urgency: Urgency
    status: TicketStatus
    caller: Caller = field(default_factory=Caller)
    category: CategoryPath | None = None
    location: LocationPath = field(default_factory=LocationPath)
    address: str = ""
    content: str = ""
    demand: str = ""
    confidential: bool = False
    callback_permitted: bool = True
    unit: str | None = None
    deadline: datetime | None = None
    redo_count: int = 0
    answer: str | None = None
    supervision_level: SupervisionLevel | None = None
    events: list[TicketEvent] = field(default_factory=list)
