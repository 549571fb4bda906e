"""Units' 知识点 drafts, reviewed and published by the centre.

Revision ID: h_kb_0005
Revises: h_kb_0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "h_kb_0005"
down_revision = "h_kb_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_drafts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(80), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("category", sa.String(80)),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("submitted_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("reviewed_at", sa.DateTime(timezone=True)),
        sa.Column("review_note", sa.Text()),
        sa.Column("published_version", sa.BigInteger()),
    )
    op.create_index("ix_kb_drafts_article_id", "kb_drafts", ["article_id"])
    op.create_index("ix_kb_drafts_unit", "kb_drafts", ["unit"])
    op.create_index("ix_kb_drafts_state", "kb_drafts", ["state"])
    op.create_index("ix_kb_drafts_submitted_at", "kb_drafts", ["submitted_at"])


def downgrade() -> None:
    op.drop_table("kb_drafts")
