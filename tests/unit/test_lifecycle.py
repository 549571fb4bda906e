from collections import deque

import pytest

from agent_app.core.enums import TicketStatus as S
from agent_app.core.lifecycle import (
    EVENT_STATES,
    OPEN_STATES,
    TERMINAL_STATES,
    TRANSITIONS,
    Action,
    InvalidTransitionError,
    SideEvent,
    allowed_actions,
    apply_action,
    check_side_event,
)

ALL_PAIRS = [(status, action) for status in S for action in Action]


@pytest.mark.parametrize(("status", "action"), ALL_PAIRS)
def test_every_status_action_pair_is_allowed_exactly_when_the_table_says(status, action):
    if (status, action) in TRANSITIONS:
        assert apply_action(status, action) == TRANSITIONS[(status, action)]
    else:
        with pytest.raises(InvalidTransitionError):
            apply_action(status, action)


@pytest.mark.parametrize(("status", "event"), [(s, e) for s in S for e in SideEvent])
def test_every_side_event_is_checked_against_its_states(status, event):
    if status in EVENT_STATES[event]:
        check_side_event(status, event)
    else:
        with pytest.raises(InvalidTransitionError):
            check_side_event(status, event)


def test_the_documented_paths_of_the_closed_loop():
    dispatch_path = [Action.REGISTER, Action.DISPATCH, Action.ACCEPT, Action.REPLY, Action.CLOSE]
    status = S.DRAFT
    for action in dispatch_path:
        status = apply_action(status, action)
    assert status is S.CLOSED
    assert apply_action(apply_action(S.DRAFT, Action.REGISTER), Action.ANSWER) is S.ANSWERED
    assert apply_action(S.REPLIED, Action.REDO) is S.DISPATCHED
    assert apply_action(S.RETURNED, Action.REDISPATCH) is S.DISPATCHED
    assert apply_action(S.RETURNED, Action.REJECT_RETURN) is S.DISPATCHED


def test_terminal_states_allow_no_action_and_open_states_all_lead_somewhere():
    for status in TERMINAL_STATES:
        assert allowed_actions(status) == []
    for status in OPEN_STATES:
        assert allowed_actions(status), status


def _reachable(start: S) -> set[S]:
    seen, queue = {start}, deque([start])
    while queue:
        source = queue.popleft()
        for (state, _action), target in TRANSITIONS.items():
            if state == source and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def test_every_state_is_reachable_from_a_draft_and_every_open_state_can_finish():
    assert _reachable(S.DRAFT) == set(S)
    for status in OPEN_STATES:
        assert _reachable(status) & TERMINAL_STATES, status
