"""The Qt-free modules the GUI needs, imported before PySide6.

Once PySide6 is imported, it reads the source of every Python module imported after it (to
find its opt-in `from __feature__ import ...`); for SQLAlchemy and our storage and sync layers
that costs about a tenth of a second of the 1 s start-up budget. Imported first, they are
not read.
"""

from __future__ import annotations


def import_before_qt() -> None:
    # Not agent_app.diagnostics (zipfile, platform): only Help › Export diagnostics needs it.
    import agent_app.storage.database
    import agent_app.storage.ops
    import agent_app.sync.engine  # noqa: F401
