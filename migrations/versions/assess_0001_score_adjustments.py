"""Manual score adjustments (加分/扣分) of the monthly assessment, kept locally until they sync.

Revision ID: assess_0001
Revises: 0007_trust
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "assess_0001"
down_revision = "0007_trust"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "score_adjustments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("unit", sa.String(80), nullable=False),
        sa.Column("points", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("sync_state", sa.String(10), nullable=False, server_default="unsent"),
    )
    op.create_index("ix_score_adjustments_month", "score_adjustments", ["month"])


def downgrade() -> None:
    op.drop_index("ix_score_adjustments_month", "score_adjustments")
    op.drop_table("score_adjustments")
