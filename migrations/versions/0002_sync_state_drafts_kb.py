"""Per-ticket sync state and server version; autosaved drafts; local KB articles.

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
    # Rows that existed before this release were written locally and never confirmed by the
    # server, so they start as "unsent": the next sync pushes them rather than losing them.
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("sync_state", sa.String(10), nullable=False,
                                   server_default="unsent"))
        batch.add_column(sa.Column("server_version", sa.Integer()))
        batch.create_index("ix_tickets_sync_state", ["sync_state"])
    op.create_table(
        "drafts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "kb_articles",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("category", sa.String(80)),
        sa.Column("unit", sa.String(80)),
        sa.Column("updated_at", sa.String(32)),
    )


def downgrade() -> None:
    op.drop_table("kb_articles")
    op.drop_table("drafts")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index("ix_tickets_sync_state")
        batch.drop_column("server_version")
        batch.drop_column("sync_state")
