"""Operators' use of KB articles after a query, and leads' vetoes, shared to every seat.

Revision ID: h_kb_0004
Revises: admin_0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "h_kb_0004"
down_revision = "admin_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_usage",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("query", sa.String(200)),
        sa.Column("article_id", sa.String(40), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_kb_usage_version", "kb_usage", ["version"])
    op.create_index("ix_kb_usage_article_id", "kb_usage", ["article_id"])
    op.create_index("ix_kb_usage_at", "kb_usage", ["at"])


def downgrade() -> None:
    op.drop_table("kb_usage")
