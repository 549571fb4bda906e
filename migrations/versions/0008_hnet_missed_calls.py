"""Missed calls waiting for a callback (漏接回拨, issue #16).

Revision ID: 0008_hnet_missed_calls
Revises: h_kb_0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_hnet_missed_calls"
down_revision = "h_kb_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "missed_calls",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("missed_at", sa.String(32), nullable=False),
        sa.Column("events", sa.Text(), nullable=False),
    )
    op.create_index("ix_missed_calls_at", "missed_calls", ["missed_at"])


def downgrade() -> None:
    op.drop_index("ix_missed_calls_at", "missed_calls")
    op.drop_table("missed_calls")
