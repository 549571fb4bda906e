"""Alembic environment of the client's local SQLite cache.

The application runs migrations in-process at start-up and hands its own connection over in
`config.attributes["connection"]`; the `alembic` command line works too, given `-x db=PATH`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from agent_app.storage.schema import Base, modelled_by_sqlalchemy

config = context.config
target_metadata = Base.metadata


def run_with(connection) -> None:  # type: ignore[no-untyped-def]
    # Batch mode: SQLite cannot ALTER most things, so Alembic copies the table instead.
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, include_name=modelled_by_sqlalchemy)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_with(connection)
else:
    db_path = context.get_x_argument(as_dictionary=True).get("db")
    if not db_path:
        raise SystemExit("pass the database file: alembic -x db=PATH upgrade head")
    with create_engine(f"sqlite:///{db_path}").connect() as conn:
        run_with(conn)
