"""Index on the address: the repeat-appeal check looks up open tickets at the same address
while the caller is on the line.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tickets_address", "tickets", ["address"])


def downgrade() -> None:
    op.drop_index("ix_tickets_address", "tickets")
