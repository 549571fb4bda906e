"""The four-level network: the hierarchy from the catalogues, passing down and replying up,
lead and assisting units, returns on the fixed reasons, transfers, acceptance limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_app.core.actions import (
    EVENT_LABELS,
    CommandKind,
    CommandRefusedError,
    NetworkStep,
    TicketCommand,
    allowed_commands,
    apply_command,
    authorise,
    authorise_unit,
    involves_unit,
    reply_up_pending,
)
from agent_app.core.calendar import CHINA_TZ, WorkingCalendar
from agent_app.core.creation import replay_history
from agent_app.core.deadlines import DeadlinePolicy
from agent_app.core.enums import Role, Urgency
from agent_app.core.enums import TicketStatus as S
from agent_app.core.lifecycle import Action, SideEvent
from agent_app.core.models import CategoryPath, Ticket
from agent_app.core.network import (
    Level,
    assisting_units,
    chain_units,
    shipped_network,
)
from tests.factories import make_ticket

POLICY = DeadlinePolicy.from_dict({"rules": [
    {"appeal_type": "*", "urgency": "*", "amount": 5, "unit": "days", "working": True}]})
CALENDAR = WorkingCalendar()
AT = datetime(2026, 11, 24, 9, 30, tzinfo=CHINA_TZ)  # a Tuesday
DISTRICT, STREET, COMMUNITY = "新华区", "新华区西高皇街道办事处", "新华区西高皇街道中央花园社区"
OTHER_STREET = "卫东区东环路街道办事处"  # another district's street
ASSISTING = "市住建局"
NETWORK = shipped_network()


def run(ticket: Ticket, kind: CommandKind, data: dict[str, Any] | None = None, *,
        minutes: int = 1, actor: str = "someone") -> Ticket:
    at = (ticket.events[-1].at if ticket.events else AT) + timedelta(minutes=minutes)
    return apply_command(ticket, TicketCommand(ticket.id, kind, at, actor, data or {}),
                         policy=POLICY, calendar=CALENDAR)


def dispatched_to_district() -> Ticket:
    ticket = replace(make_ticket("T-NET"), created_at=AT,
                     events=[replace(make_ticket("T-NET").events[0], at=AT)])
    ticket = run(ticket, Action.DISPATCH, {"unit": DISTRICT})
    return run(ticket, Action.ACCEPT)


def at_community() -> Ticket:
    ticket = run(dispatched_to_district(), NetworkStep.PASS_DOWN, {"to_unit": STREET})
    ticket = run(ticket, Action.ACCEPT)
    ticket = run(ticket, NetworkStep.PASS_DOWN, {"to_unit": COMMUNITY})
    return run(ticket, Action.ACCEPT)


# The hierarchy --------------------------------------------------------------------------------
def test_the_hierarchy_has_four_levels_and_the_seven_branch_centres_of_seed_004():
    assert NETWORK.level_of(NETWORK.city_centre) is Level.CITY
    assert NETWORK.level_of(DISTRICT) is Level.DISTRICT
    assert NETWORK.level_of(STREET) is Level.STREET
    assert NETWORK.level_of(COMMUNITY) is Level.COMMUNITY
    assert NETWORK.ancestors(COMMUNITY) == [STREET, DISTRICT, NETWORK.city_centre]
    branch_units = {"汝州市", "舞钢市", "宝丰县", "郏县", "鲁山县", "叶县", "石龙区"}
    assert set(NETWORK.branch_centres) == branch_units
    for unit in branch_units:
        assert NETWORK.level_of(unit) is Level.DISTRICT
        assert NETWORK.children(unit), unit  # its towns, from the location catalogue
    assert NETWORK.centre_of("汝州市杨楼镇") == "汝州市分中心"
    assert NETWORK.centre_of(COMMUNITY) == NETWORK.city_centre  # 市内五区: the city's own


@pytest.mark.parametrize(("source", "target", "allowed"), [
    (DISTRICT, STREET, True), (STREET, COMMUNITY, True), ("汝州市", "汝州市杨楼镇", True),
    (STREET, DISTRICT, False),  # up
    (COMMUNITY, STREET, False),  # up
    (STREET, "新华区曙光街街道办事处", False),  # sideways
    (DISTRICT, OTHER_STREET, False),  # another district's street
    (DISTRICT, COMMUNITY, False),  # skips the street
    (DISTRICT, "市住建局", False),  # a city department is not below a district
])
def test_only_downwards_one_level_and_within_the_own_area(source, target, allowed):
    assert NETWORK.may_pass_down(source, target) is allowed


# The chain down and back up ------------------------------------------------------------------
def test_a_ticket_goes_down_to_the_community_and_its_reply_comes_back_up_level_by_level():
    ticket = at_community()
    assert (ticket.unit, ticket.status) == (COMMUNITY, S.ACCEPTED)
    assert chain_units(ticket.events) == [DISTRICT, STREET, COMMUNITY]
    ticket = run(ticket, NetworkStep.REPLY_UP, {"text": "已入户核实并修复路灯。"})
    assert (ticket.unit, reply_up_pending(ticket)) == (STREET, True)
    # The street must review before anything else.
    assert NetworkStep.REPLY_UP not in allowed_commands(ticket, Role.UNIT)
    sent_back = run(ticket, NetworkStep.REVIEW_REPLY,
                    {"decision": "sent_back", "reason": "未写明修复时间"})
    assert sent_back.unit == COMMUNITY and not reply_up_pending(sent_back)
    ticket = run(sent_back, NetworkStep.REPLY_UP, {"text": "已于11月24日修复路灯。"})
    ticket = run(ticket, NetworkStep.REVIEW_REPLY, {"decision": "accepted"})
    assert chain_units(ticket.events) == [DISTRICT, STREET]
    with pytest.raises(CommandRefusedError):  # the street was passed the ticket: reply up
        run(ticket, Action.REPLY, {"text": "已修复路灯。"})
    ticket = run(ticket, NetworkStep.REPLY_UP, {"text": "街道已组织修复路灯。"})
    ticket = run(ticket, NetworkStep.REVIEW_REPLY, {"decision": "accepted"})
    assert (ticket.unit, chain_units(ticket.events)) == (DISTRICT, [DISTRICT])
    ticket = run(ticket, Action.REPLY, {"text": "区里已督促街道修复路灯。"})
    assert ticket.status is S.REPLIED
    # The centre sees the whole chain on the timeline.
    kinds = [e.kind for e in ticket.events]
    assert kinds.count("passed_down") == 2 and kinds.count("replied_up") == 3
    assert all(kind in EVENT_LABELS for kind in kinds)


def test_a_shorter_deadline_may_be_set_below_and_the_one_from_above_comes_back():
    ticket = dispatched_to_district()
    upper = ticket.deadline
    assert upper is not None
    with pytest.raises(CommandRefusedError):
        run(ticket, NetworkStep.PASS_DOWN,
            {"to_unit": STREET, "deadline": (upper + timedelta(days=1)).isoformat()})
    shorter = upper - timedelta(days=2)
    down = run(ticket, NetworkStep.PASS_DOWN, {"to_unit": STREET,
                                              "deadline": shorter.isoformat()})
    assert down.deadline == shorter
    down = run(down, Action.ACCEPT)
    back = run(down, NetworkStep.RETURN_UP, {"reason_code": "wrong_place"})
    assert (back.unit, back.deadline, back.status) == (DISTRICT, upper, S.ACCEPTED)


def test_refusals_say_why_passing_up_another_district_and_replying_after_passing_on():
    ticket = run(dispatched_to_district(), NetworkStep.PASS_DOWN, {"to_unit": STREET})
    ticket = run(ticket, Action.ACCEPT)
    with pytest.raises(CommandRefusedError, match="passed down only"):
        run(ticket, NetworkStep.PASS_DOWN, {"to_unit": DISTRICT})
    with pytest.raises(CommandRefusedError, match="another area"):
        run(ticket, NetworkStep.PASS_DOWN, {"to_unit": "新华区曙光街街道曙光街社区"})
    with pytest.raises(CommandRefusedError):
        run(dispatched_to_district(), NetworkStep.PASS_DOWN, {"to_unit": OTHER_STREET})
    # The district passed it on: its reply is refused, with the reason.
    with pytest.raises(CommandRefusedError, match="passed on"):
        authorise_unit(ticket, Action.REPLY, DISTRICT)
    authorise_unit(ticket, NetworkStep.REPLY_UP, STREET)
    with pytest.raises(CommandRefusedError, match="not your unit"):
        authorise_unit(ticket, Action.ACCEPT, OTHER_STREET)
    assert involves_unit(ticket, DISTRICT) and not involves_unit(ticket, OTHER_STREET)


# Lead and assisting units --------------------------------------------------------------------
def test_assisting_units_reply_to_the_lead_and_may_be_supervised_on_their_own_ladder():
    ticket = run(dispatched_to_district(), NetworkStep.REQUEST_ASSIST, {"unit": ASSISTING})
    with pytest.raises(CommandRefusedError):
        run(ticket, NetworkStep.REQUEST_ASSIST, {"unit": ASSISTING})  # named already
    with pytest.raises(CommandRefusedError):
        run(ticket, NetworkStep.REQUEST_ASSIST, {"unit": DISTRICT})  # the lead itself
    assert assisting_units(ticket.events) == [ASSISTING]
    with pytest.raises(CommandRefusedError, match="assists"):
        authorise_unit(ticket, Action.REPLY, ASSISTING)
    authorise_unit(ticket, NetworkStep.ASSIST_REPLY, ASSISTING)
    with pytest.raises(CommandRefusedError):
        authorise_unit(ticket, NetworkStep.ASSIST_REPLY, DISTRICT)
    supervised = run(ticket, SideEvent.SUPERVISION,
                     {"level": "reminder", "notice": "请配合主办单位。", "unit": ASSISTING})
    assert supervised.supervision_level is None  # the lead's ladder is untouched
    with pytest.raises(CommandRefusedError):  # the assisting unit's ladder goes step by step
        run(supervised, SideEvent.SUPERVISION,
            {"level": "written", "notice": "书面督办。", "unit": ASSISTING})
    supervised = run(supervised, SideEvent.SUPERVISION,
                     {"level": "phone", "notice": "电话督办。", "unit": ASSISTING})
    replied = run(supervised, NetworkStep.ASSIST_REPLY,
                  {"unit": ASSISTING, "text": "已派人配合现场核查。"})
    assert replied.events[-1].data["lead_unit"] == DISTRICT
    closed_loop = run(replied, Action.REPLY, {"text": "已会同住建局处理完毕。"})
    assert closed_loop.status is S.REPLIED
    with pytest.raises(CommandRefusedError):  # after the loop closed
        run(closed_loop, NetworkStep.ASSIST_REPLY, {"unit": ASSISTING, "text": "补充说明。"})


# Returns on the rules ------------------------------------------------------------------------
def test_a_return_names_a_reason_from_the_list_and_comes_within_the_time_of_receipt():
    ticket = run(run(dispatched_to_district(), NetworkStep.PASS_DOWN, {"to_unit": STREET}),
                 Action.ACCEPT)
    with pytest.raises(CommandRefusedError, match="list"):
        run(ticket, NetworkStep.RETURN_UP, {"reason_code": "too_busy"})
    with pytest.raises(CommandRefusedError, match="time for a return"):
        run(ticket, NetworkStep.RETURN_UP, {"reason_code": "not_our_duty"},
            minutes=60 * 24 * 3)
    back = run(ticket, NetworkStep.RETURN_UP, {"reason_code": "duplicate"})
    assert back.events[-1].data["reason"] == "重复工单"
    # The same rules for a return to the centre, when the unit names a reason code.
    top = dispatched_to_district()
    with pytest.raises(CommandRefusedError):
        run(top, Action.RETURN, {"reason_code": "late"})
    returned = run(top, Action.RETURN, {"reason_code": "not_our_duty", "reason": "属供电公司"})
    assert returned.status is S.RETURNED and returned.events[-1].data["reason_code"]


# Transfers and acceptance limits -------------------------------------------------------------
def test_a_transfer_is_an_intake_outcome_to_the_listed_targets_only():
    ticket = make_ticket("T-TR")
    transferred = run(ticket, Action.TRANSFER, {"target": "119", "reason": "火情，转119"})
    assert transferred.status is S.TRANSFERRED and transferred.unit is None
    with pytest.raises(CommandRefusedError):
        run(ticket, Action.TRANSFER, {"target": "999", "reason": "?"})
    authorise(ticket, Action.TRANSFER, Role.OPERATOR)
    with pytest.raises(CommandRefusedError):
        authorise(ticket, Action.TRANSFER, Role.UNIT)


def test_acceptance_limits_by_kind():
    base = make_ticket("T-AL")
    critical = replace(base, urgency=Urgency.CRITICAL)
    water = replace(base, category=CategoryPath("城乡建设", "停水"), content="小区停水两天")
    assert NETWORK.acceptance_deadline(critical, AT, CALENDAR) == AT + timedelta(minutes=15)
    assert NETWORK.acceptance_deadline(water, AT, CALENDAR) == AT + timedelta(minutes=30)
    assert NETWORK.acceptance_deadline(base, AT, CALENDAR) == CALENDAR.add_working_days(AT, 1)


# Replays and random walks --------------------------------------------------------------------
def test_a_whole_chain_replays_to_the_same_ticket():
    ticket = at_community()
    ticket = run(ticket, NetworkStep.REPLY_UP, {"text": "已入户核实并修复路灯。"})
    ticket = run(ticket, NetworkStep.REVIEW_REPLY, {"decision": "accepted"})
    ticket = run(ticket, NetworkStep.REQUEST_ASSIST, {"unit": ASSISTING})
    assert replay_history(ticket, policy=POLICY, calendar=CALENDAR) == ticket


STEPS = [
    (NetworkStep.PASS_DOWN, {"to_unit": STREET}), (NetworkStep.PASS_DOWN, {"to_unit": COMMUNITY}),
    (NetworkStep.PASS_DOWN, {"to_unit": DISTRICT}), (Action.ACCEPT, {}),
    (NetworkStep.REPLY_UP, {"text": "已经处理完毕。"}),
    (NetworkStep.RETURN_UP, {"reason_code": "wrong_place"}),
    (NetworkStep.REVIEW_REPLY, {"decision": "accepted"}),
    (NetworkStep.REVIEW_REPLY, {"decision": "sent_back", "reason": "重新核实"}),
    (Action.REPLY, {"text": "已经处理完毕。"}),
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(range(len(STEPS))), max_size=25))
def test_random_network_walks_keep_the_holder_on_the_chain(indices):
    ticket = dispatched_to_district()
    for index in indices:
        kind, data = STEPS[index]
        allowed = kind in allowed_commands(ticket, Role.UNIT)
        try:
            after = run(ticket, kind, data)
        except CommandRefusedError:
            continue
        assert allowed  # what applies was offered
        ticket = after
        chain = chain_units(ticket.events)
        assert chain[0] == DISTRICT
        for upper, lower in pairwise(chain):
            assert NETWORK.may_pass_down(upper, lower)
        if ticket.status is S.REPLIED:
            assert chain == [DISTRICT]
            break
        expected_holder = chain[-2] if reply_up_pending(ticket) else chain[-1]
        assert ticket.unit == expected_holder
    assert replay_history(ticket, policy=POLICY, calendar=CALENDAR) == ticket
