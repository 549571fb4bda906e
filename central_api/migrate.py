"""The central API's own schema migrations, run in code: at start-up and by `agent-api migrate`.

There is no alembic.ini; the configuration is built here so that the installed package carries
everything it needs.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from central_api.db import make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class MigrationError(Exception):
    """The database cannot be brought to this server's schema."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(target: str | Engine) -> None:
    """Bring the schema to head. A URL gets an engine of its own, disposed afterwards."""
    if isinstance(target, str):
        engine = make_engine(target)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        return
    config = alembic_config()
    current = current_revision(target)
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    if current is not None and current not in known:
        # Alembic would only say it cannot locate the revision.
        raise MigrationError(f"the database schema ({current}) is newer than this server "
                             f"knows ({head_revision()}); run a newer agent-api")
    with target.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
