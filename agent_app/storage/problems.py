"""What sync could not settle on its own, for the user to open: tickets where the server's
state overruled a local change (conflicts), and changes the server refused (with its reason)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from agent_app.storage.database import Database
from agent_app.storage.schema import ConflictRow, OutboxRow, OutboxState, QuarantinedRow

# Fields worth showing side by side; events are insert-only and never conflict.
COMPARED_FIELDS = ("status", "unit", "deadline", "urgency", "category", "location", "address",
                   "content", "demand", "answer", "redo_count", "supervision_level")


@dataclass(frozen=True)
class FieldDifference:
    field: str
    local: str
    server: str


@dataclass(frozen=True)
class Conflict:
    id: int
    ticket_id: str
    detected_at: datetime
    differences: list[FieldDifference]


@dataclass(frozen=True)
class Rejection:
    mutation_id: int
    op: str
    entity_id: str
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class Quarantined:
    """A pulled ticket this PC could not store; `reason` is a fixed sentence (context
    "Wire"), never the row's values."""

    id: int
    ticket_id: str
    version: int
    reason: str
    detected_at: datetime


@dataclass(frozen=True)
class SyncProblems:
    conflicts: list[Conflict]
    rejections: list[Rejection]
    quarantined: list[Quarantined] = field(default_factory=list)


def differences(local: dict[str, Any], server: dict[str, Any]) -> list[FieldDifference]:
    return [FieldDifference(name, _shown(local.get(name)), _shown(server.get(name)))
            for name in COMPARED_FIELDS if local.get(name) != server.get(name)]


def load_problems(db: Database) -> SyncProblems:
    with db.unit_of_work() as uow:
        conflicts = [
            Conflict(row.id, row.ticket_id, row.detected_at,
                     differences(json.loads(row.local), json.loads(row.server)))
            for row in uow.session.scalars(select(ConflictRow)
                                           .where(ConflictRow.resolved.is_(False))
                                           .order_by(ConflictRow.id))]
        rejections = [
            Rejection(row.mutation_id, row.op, row.entity_id, row.reject_reason or "",
                      row.created_at)
            for row in uow.session.scalars(select(OutboxRow)
                                           .where(OutboxRow.state == OutboxState.REJECTED.value)
                                           .order_by(OutboxRow.mutation_id))]
        quarantined = [
            Quarantined(row.id, row.ticket_id, row.version, row.reason, row.detected_at)
            for row in uow.session.scalars(select(QuarantinedRow)
                                           .where(QuarantinedRow.resolved.is_(False))
                                           .order_by(QuarantinedRow.id))]
    return SyncProblems(conflicts, rejections, quarantined)


def resolve_quarantined(db: Database, quarantined_id: int) -> None:
    with db.unit_of_work() as uow:
        row = uow.session.get(QuarantinedRow, quarantined_id)
        if row is not None:
            row.resolved = True
        uow.commit()


def resolve_conflict(db: Database, conflict_id: int) -> None:
    """Seen and dealt with: kept for the record, no longer counted."""
    with db.unit_of_work() as uow:
        row = uow.session.get(ConflictRow, conflict_id)
        if row is not None:
            row.resolved = True
        uow.commit()


def dismiss_rejection(db: Database, mutation_id: int) -> None:
    """The user read the server's reason; the refused change leaves the outbox."""
    with db.unit_of_work() as uow:
        row = uow.session.get(OutboxRow, mutation_id)
        if row is not None and row.state == OutboxState.REJECTED.value:
            uow.session.delete(row)
        uow.commit()


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return " › ".join(str(part) for part in value if part)
    return str(value)
