"""Words for states that are the UI's own (sync state, working time left)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from agent_app.core.i18n import QT_TRANSLATE_NOOP
from agent_app.core.queue import DRAFT_STATE
from agent_app.storage.schema import SyncState

SYNC_LABELS: dict[str, str] = {
    DRAFT_STATE: QT_TRANSLATE_NOOP("SyncState", "Draft"),
    SyncState.UNSENT.value: QT_TRANSLATE_NOOP("SyncState", "Unsent"),
    SyncState.SYNCED.value: QT_TRANSLATE_NOOP("SyncState", "Synced"),
    SyncState.CONFLICT.value: QT_TRANSLATE_NOOP("SyncState", "Conflict"),
}


def sync_label(state: str) -> str:
    label = SYNC_LABELS.get(state)
    return QCoreApplication.translate("SyncState", label) if label else state


def working_time_text(minutes: int) -> str:
    """`5 h 30 min left` or `overdue 2 h 05 min`, in working time."""
    hours, rest = divmod(abs(minutes), 60)
    text = (QCoreApplication.translate("TimeLeft", "overdue %1 h %2 min") if minutes < 0
            else QCoreApplication.translate("TimeLeft", "%1 h %2 min left"))
    return text.replace("%1", str(hours)).replace("%2", f"{rest:02d}")
