"""Ticket lifecycle: the one table of allowed transitions (DESIGN.md §2, 国办发〔2020〕53号 loop).

Status changes happen only through `apply_action`; side events that do not change the status
(extension requests, supervision, callbacks that were not reached, notes) are allowed only in
the states listed in `EVENT_STATES`.
"""

from __future__ import annotations

from enum import StrEnum

from agent_app.core.enums import TicketStatus as S


class Action(StrEnum):
    REGISTER = "register"  # 受理: a draft becomes a ticket
    ANSWER = "answer"  # 直接答复: consultation answered on the call, closes at once
    DISPATCH = "dispatch"  # 派单/交办 to a unit
    ACCEPT = "accept"  # 签收 by the unit
    RETURN = "return"  # 退单: the unit says it is not theirs
    REDISPATCH = "redispatch"  # 改派: lead approves a return and sends it to another unit
    REJECT_RETURN = "reject_return"  # lead sends a returned ticket back to the same unit
    REPLY = "reply"  # 答复/反馈 by the unit
    CLOSE = "close"  # 办结 after a satisfied callback
    REDO = "redo"  # 重办: dissatisfied callback or formulaic reply
    MERGE = "merge"  # 并单 into another open ticket
    TRANSFER = "transfer"  # 转接 to 110/119/120/122 or a parallel hotline: no dispatch


class SideEvent(StrEnum):
    EXTENSION = "extension"  # 延期申请 and its decision
    SUPERVISION = "supervision"  # 督办 ladder
    CALLBACK_NOT_REACHED = "callback_not_reached"  # 回访未接通
    NOTE = "note"


class EventKind(StrEnum):
    """What one event on a ticket's timeline records (the interchange event kinds of
    DESIGN.md §7). The values are what the cache, the server and the interchange files store
    and send, so they never change; `actions.EVENT_KINDS` says which command writes which."""

    REGISTERED = "registered"
    ANSWERED = "answered"
    DISPATCHED = "dispatched"  # also 改派 (data: redispatch)
    ACCEPTED = "accepted"
    RETURNED = "returned"
    RETURN_REJECTED = "return_rejected"
    REPLIED = "replied"
    CLOSED = "closed"
    REDO = "redo"
    MERGED = "merged"
    EXTENSION = "extension"  # a request, and the lead's decision on it
    SUPERVISED = "supervised"
    CALLBACK = "callback"  # reached or not (data: reached)
    NOTE = "note"
    SPLIT = "split"
    TRANSFERRED = "transferred"
    PASSED_DOWN = "passed_down"
    REPLIED_UP = "replied_up"
    RETURNED_UP = "returned_up"
    REPLY_REVIEWED = "reply_reviewed"
    ASSIST_REQUESTED = "assist_requested"
    ASSIST_REPLIED = "assist_replied"
    # A missed call's own record (storage/missed_calls), not a ticket's timeline.
    MISSED_CALL = "missed_call"
    MISSED_CALLBACK = "missed_callback"


TRANSITIONS: dict[tuple[S, Action], S] = {
    (S.DRAFT, Action.REGISTER): S.REGISTERED,
    (S.REGISTERED, Action.ANSWER): S.ANSWERED,
    (S.REGISTERED, Action.DISPATCH): S.DISPATCHED,
    (S.REGISTERED, Action.MERGE): S.MERGED,
    (S.DISPATCHED, Action.ACCEPT): S.ACCEPTED,
    (S.DISPATCHED, Action.RETURN): S.RETURNED,
    (S.DISPATCHED, Action.MERGE): S.MERGED,
    (S.ACCEPTED, Action.RETURN): S.RETURNED,
    (S.ACCEPTED, Action.REPLY): S.REPLIED,
    (S.ACCEPTED, Action.MERGE): S.MERGED,
    (S.RETURNED, Action.REDISPATCH): S.DISPATCHED,
    (S.RETURNED, Action.REJECT_RETURN): S.DISPATCHED,
    (S.REPLIED, Action.CLOSE): S.CLOSED,
    (S.REPLIED, Action.REDO): S.DISPATCHED,
    (S.REGISTERED, Action.TRANSFER): S.TRANSFERRED,
}

# With a unit: dispatched to it or accepted by it, the unit's to act on (签收, 答复, 延期).
WITH_UNIT_STATES: frozenset[S] = frozenset({S.DISPATCHED, S.ACCEPTED})
# The deadline runs: with a unit, or returned by it and waiting for the lead (改派 or back);
# these are the states that can be overdue and supervised.
DEADLINE_RUNNING_STATES: frozenset[S] = WITH_UNIT_STATES | {S.RETURNED}

EVENT_STATES: dict[SideEvent, frozenset[S]] = {
    SideEvent.EXTENSION: WITH_UNIT_STATES,
    SideEvent.SUPERVISION: DEADLINE_RUNNING_STATES,
    SideEvent.CALLBACK_NOT_REACHED: frozenset({S.REPLIED}),
    SideEvent.NOTE: frozenset(set(S) - {S.DRAFT}),
}

TERMINAL_STATES: frozenset[S] = frozenset({S.ANSWERED, S.CLOSED, S.MERGED, S.TRANSFERRED})
OPEN_STATES: frozenset[S] = frozenset(
    {S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.RETURNED, S.REPLIED}
)


class InvalidTransitionError(ValueError):
    def __init__(self, status: S, action: StrEnum) -> None:
        super().__init__(f"{action} is not allowed on a ticket in state {status}")
        self.status = status
        self.action = action


def apply_action(status: S, action: Action) -> S:
    """The state after `action`, or `InvalidTransitionError` when the table does not allow it."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise InvalidTransitionError(status, action) from None


def allowed_actions(status: S) -> list[Action]:
    return [action for (source, action) in TRANSITIONS if source == status]


def check_side_event(status: S, event: SideEvent) -> None:
    if status not in EVENT_STATES[event]:
        raise InvalidTransitionError(status, event)
