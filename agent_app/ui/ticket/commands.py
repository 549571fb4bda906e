"""Running ticket commands from a screen: saved locally at once (they work offline and sync
later), refusals explained in the user's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Signal

from agent_app.core.actions import (
    REASON_CONTEXT,
    CommandKind,
    CommandRefusedError,
    FollowUp,
    TicketCommand,
)
from agent_app.core.calendar import CHINA_TZ
from agent_app.core.intake import new_ticket_id
from agent_app.core.lifecycle import Action, SideEvent
from agent_app.storage import ops
from agent_app.tasks import TaskRunner
from agent_app.ui.failures import failure_text, server_text
from agent_app.ui.i18n import tr_core


def refusal_text(reason: str) -> str:
    """A refusal from the core or the server, translated when it is one of ours (the server
    sends the core's sentences); anything else is shown as it came."""
    translated = tr_core(REASON_CONTEXT, reason)
    return translated if translated != reason else server_text(reason)


class CommandRunner(QObject):
    saved = Signal(str)  # ticket id: the command is in the local cache and the outbox
    refused = Signal(str, str)  # ticket id, the reason in the user's language

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks

    def submit(self, ticket_id: str, kind: CommandKind, data: Mapping[str, Any],
               actor: str) -> None:
        """One user action. A merge also notes the open ticket (both histories name each
        other); a split also creates the new ticket."""
        now = datetime.now(CHINA_TZ)
        if kind is FollowUp.SPLIT:
            self._tasks.run_db(
                lambda db: ops.split_ticket(db, ticket_id, new_id=new_ticket_id(now),
                                            content=str(data.get("content", "")),
                                            demand=str(data.get("demand", "")),
                                            reason=str(data.get("reason", "")), actor=actor,
                                            now=now, reference=self._tasks.reference(db)),
                on_done=lambda _id: self.saved.emit(ticket_id),
                on_error=lambda exc: self._failed(ticket_id, exc))
            return
        commands = [TicketCommand(ticket_id, kind, now, actor, dict(data))]
        if kind is Action.MERGE:
            note = self.tr("Repeat appeal %1 was merged into this ticket.").replace(
                "%1", ticket_id)
            commands.append(TicketCommand(str(data.get("into", "")), SideEvent.NOTE, now, actor,
                                          {"text": note, "merged_from": ticket_id}))
        self.perform(commands)

    def perform(self, commands: Sequence[TicketCommand]) -> None:
        """All of them or none, in one Unit of Work on the DB worker."""
        batch = list(commands)
        ticket_id = batch[0].ticket_id
        self._tasks.run_db(lambda db: ops.perform_ticket_commands(
                               db, batch, reference=self._tasks.reference(db)),
                           on_done=lambda _ids: self.saved.emit(ticket_id),
                           on_error=lambda exc: self._failed(ticket_id, exc))

    def _failed(self, ticket_id: str, exc: BaseException) -> None:
        if isinstance(exc, CommandRefusedError):
            self.refused.emit(ticket_id, refusal_text(exc.reason))
        else:
            self.refused.emit(ticket_id, failure_text(exc))
