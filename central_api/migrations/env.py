"""Alembic environment of the central API; the server passes its connection in."""

from __future__ import annotations

from alembic import context

from central_api.models import Base

config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
