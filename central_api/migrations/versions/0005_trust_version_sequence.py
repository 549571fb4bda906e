"""PostgreSQL: versions from a sequence instead of one locked counter row (versions.py).

Revision ID: 0005_trust
Revises: 0004_trust
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_trust"
down_revision = "0004_trust"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return  # SQLite keeps the counter row: it has one writer at a time anyway
    current = bind.execute(sa.text("SELECT value FROM version_counter WHERE id = 1")).scalar()
    op.execute("CREATE SEQUENCE IF NOT EXISTS ticket_versions AS bigint START WITH 1")
    if current:
        op.execute(sa.text(f"SELECT setval('ticket_versions', {int(current)})"))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    last = bind.execute(sa.text("SELECT last_value FROM ticket_versions")).scalar()
    op.execute(sa.text(f"UPDATE version_counter SET value = {int(last or 0)} WHERE id = 1"))
    op.execute("DROP SEQUENCE ticket_versions")
