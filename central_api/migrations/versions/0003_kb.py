"""Knowledge base: articles with versions and tombstones, feedback on articles.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_articles",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("category", sa.String(80)),
        sa.Column("unit", sa.String(80)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_kb_articles_unit", "kb_articles", ["unit"])
    op.create_index("ix_kb_articles_version", "kb_articles", ["version"])
    op.create_table(
        "kb_feedback",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(80)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_kb_feedback_article_id", "kb_feedback", ["article_id"])
    op.create_index("ix_kb_feedback_unit", "kb_feedback", ["unit"])


def downgrade() -> None:
    op.drop_index("ix_kb_feedback_unit", "kb_feedback")
    op.drop_index("ix_kb_feedback_article_id", "kb_feedback")
    op.drop_table("kb_feedback")
    op.drop_index("ix_kb_articles_version", "kb_articles")
    op.drop_index("ix_kb_articles_unit", "kb_articles")
    op.drop_table("kb_articles")
