"""Words for states that are the UI's own (sync state, working time left)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from agent_app.core.i18n import QT_TRANSLATE_NOOP
from agent_app.core.queue import DRAFT_STATE, DeadlineState, TimeLeft
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


def working_time_text(left: TimeLeft, minutes_per_day: int) -> str:
    """`3 working days 2 h left`, `2 h 05 min left`, `overdue 1 working day 3 h`, `overdue`:
    working time, in whole working days once there is one."""
    days, hours, minutes = left.split(minutes_per_day)
    translate = QCoreApplication.translate
    overdue = left.state is DeadlineState.OVERDUE
    if days and not hours:
        text = (translate("TimeLeft", "overdue %1 working day(s)") if overdue
                else translate("TimeLeft", "%1 working day(s) left"))
        return text.replace("%1", str(days))
    if days:
        text = (translate("TimeLeft", "overdue %1 working day(s) %2 h") if overdue
                else translate("TimeLeft", "%1 working day(s) %2 h left"))
        return text.replace("%1", str(days)).replace("%2", str(hours))
    if overdue and not (hours or minutes):
        # Past the deadline outside working hours: no working time has run over yet.
        return translate("TimeLeft", "overdue")
    if not (hours or minutes):
        return translate("TimeLeft", "due after working hours")
    text = (translate("TimeLeft", "overdue %1 h %2 min") if overdue
            else translate("TimeLeft", "%1 h %2 min left"))
    return text.replace("%1", str(hours)).replace("%2", f"{minutes:02d}")


def time_left_tip() -> str:
    return QCoreApplication.translate(
        "TimeLeft", "Working time until the deadline (办结时限), counted on working days "
        "08:30–12:00 and 14:00–17:30. Overdue (超期): the deadline has passed and the unit "
        "has not replied yet.")
