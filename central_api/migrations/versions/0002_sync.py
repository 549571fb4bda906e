"""Sync: version counter, tickets as last written, per-client mutation bookkeeping.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    counter = op.create_table(
        "version_counter",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("value", sa.BigInteger(), nullable=False),
    )
    op.bulk_insert(counter, [{"id": 1, "value": 0}])
    op.create_table(
        "tickets",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("unit", sa.String(80)),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tickets_unit", "tickets", ["unit"])
    op.create_index("ix_tickets_version", "tickets", ["version"])
    op.create_table(
        "sync_clients",
        sa.Column("client_id", sa.String(36), primary_key=True),
        sa.Column("last_mutation_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sync_clients")
    op.drop_index("ix_tickets_version", "tickets")
    op.drop_index("ix_tickets_unit", "tickets")
    op.drop_table("tickets")
    op.drop_table("version_counter")
