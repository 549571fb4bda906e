"""What operators used from the KB after a query, and leads' vetoes (KB search learning).

Revision ID: h_kb_0007
Revises: assess_0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "h_kb_0007"
down_revision = "assess_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_usage",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("query", sa.String(200), nullable=False),
        sa.Column("query_key", sa.String(200), nullable=False),
        sa.Column("article_id", sa.String(40), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("server_id", sa.Integer()),
    )
    op.create_index("ix_kb_usage_server_id", "kb_usage", ["server_id"], unique=True)
    op.create_index("ix_kb_usage_at", "kb_usage", ["at"])
    op.create_table(
        "kb_usage_vetoes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(40), nullable=False),
        sa.Column("query_key", sa.String(200)),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("server_id", sa.Integer()),
    )
    op.create_index("ix_kb_usage_vetoes_server_id", "kb_usage_vetoes", ["server_id"],
                    unique=True)


def downgrade() -> None:
    op.drop_table("kb_usage_vetoes")
    op.drop_table("kb_usage")
