"""Event ids are unique across tickets: a client cannot copy another ticket's event id.

Revision ID: 0004_trust
Revises: 0003
Create Date: 2026-12-01
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0004_trust"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("created_by_client", sa.String(36)))
    op.create_table(
        "ticket_event_ids",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("ticket_id", sa.String(40), nullable=False),
    )
    op.create_index("ix_ticket_event_ids_ticket_id", "ticket_event_ids", ["ticket_id"])
    # The tickets already stored name their events: index them, first claim wins.
    bind = op.get_bind()
    seen: set[str] = set()
    rows = []
    for ticket_id, data in bind.execute(sa.text("SELECT id, data FROM tickets "
                                                "WHERE NOT deleted")):
        try:
            events = json.loads(data).get("events", [])
        except (ValueError, AttributeError):
            continue
        for event in events:
            event_id = str(event.get("id", ""))[:36] if isinstance(event, dict) else ""
            if event_id and event_id not in seen:
                seen.add(event_id)
                rows.append({"event_id": event_id, "ticket_id": ticket_id})
    if rows:
        table = sa.table("ticket_event_ids", sa.column("event_id"), sa.column("ticket_id"))
        op.bulk_insert(table, rows)


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("created_by_client")
    op.drop_index("ix_ticket_event_ids_ticket_id", "ticket_event_ids")
    op.drop_table("ticket_event_ids")
