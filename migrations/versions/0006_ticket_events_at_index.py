"""Index on event time: a monthly report reads the month's events by time range, and with
(at, ticket_id) the tickets that had any event in the month come from the index alone.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ticket_events_at", "ticket_events", ["at", "ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_events_at", "ticket_events")
