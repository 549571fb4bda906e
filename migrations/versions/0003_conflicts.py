"""Conflict records: the local version of a ticket the server overruled, kept for the user.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conflicts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.String(40), nullable=False),
        sa.Column("detected_at", sa.String(32), nullable=False),
        sa.Column("local", sa.Text(), nullable=False),
        sa.Column("server", sa.Text(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_conflicts_ticket", "conflicts", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_conflicts_ticket", "conflicts")
    op.drop_table("conflicts")
