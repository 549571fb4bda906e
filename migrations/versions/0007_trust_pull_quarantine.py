"""Rows of a pull this client could not store, set aside with the reason so the rest arrive.

Revision ID: 0007_trust
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_trust"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pull_quarantine",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.String(40), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detected_at", sa.String(32), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pull_quarantine")
