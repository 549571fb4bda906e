"""The Qt-free modules the window's frame needs, imported before PySide6.

Once PySide6 is imported, it reads the source of every Python module imported after it (to
find its opt-in `from __feature__ import ...`). Imported first, these are not read. Storage
and sync (SQLAlchemy above all) are not among them any more: the frame is painted before
they are imported, and reading them after the paint costs less than importing them before.
"""

from __future__ import annotations


def import_before_qt() -> None:
    import agent_app.core.enums
    import agent_app.core.errors
    import agent_app.logging_setup
    import agent_app.settings  # noqa: F401
