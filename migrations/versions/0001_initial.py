"""Initial local cache: tickets, their events, the outbox and meta.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("appeal_type", sa.String(20), nullable=False),
        sa.Column("urgency", sa.String(10), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("category_l1", sa.String(40)),
        sa.Column("category_l2", sa.String(40)),
        sa.Column("caller_name", sa.String(40), nullable=False),
        sa.Column("caller_phone", sa.String(20), nullable=False),
        sa.Column("caller_gender", sa.String(8), nullable=False),
        sa.Column("phone_withheld", sa.Boolean(), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("callback_permitted", sa.Boolean(), nullable=False),
        sa.Column("district", sa.String(40), nullable=False),
        sa.Column("street", sa.String(40), nullable=False),
        sa.Column("community", sa.String(40), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("demand", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(80)),
        sa.Column("deadline", sa.String(32)),
        sa.Column("redo_count", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Text()),
        sa.Column("supervision_level", sa.String(10)),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_tickets_status", "tickets", ["status"])
    op.create_index("ix_tickets_caller_phone", "tickets", ["caller_phone"])
    op.create_index("ix_tickets_created_at", "tickets", ["created_at"])
    op.create_index("ix_tickets_deadline", "tickets", ["deadline"])
    op.create_table(
        "ticket_events",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("ticket_id", sa.String(40),
                  sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
    )
    op.create_index("ix_ticket_events_ticket", "ticket_events", ["ticket_id", "at"])
    op.create_table(
        "outbox",
        sa.Column("mutation_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("op", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(40), nullable=False),
        sa.Column("args", sa.Text(), nullable=False),
        sa.Column("base_version", sa.Integer()),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("reject_reason", sa.Text()),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("meta")
    op.drop_table("outbox")
    op.drop_index("ix_ticket_events_ticket", "ticket_events")
    op.drop_table("ticket_events")
    op.drop_table("tickets")
