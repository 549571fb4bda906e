"""Ticket commands: every kind in every state for every role, the fields each one changes,
replays, and random sequences that must keep the ticket consistent."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_app.core.actions import (
    COMMAND_ROLES,
    EVENT_KINDS,
    FOLLOW_UP_STATES,
    LEAD_ATTENTION_REDOS,
    MAX_CALLBACK_ATTEMPTS,
    NOTICE_TEMPLATES,
    SUPERVISION_LADDER,
    CommandKind,
    CommandRefusedError,
    FollowUp,
    NetworkStep,
    TicketCommand,
    allowed_commands,
    apply_command,
    authorise,
    callback_attempts,
    check_merge_target,
    merged_from,
    merged_into,
    needs_lead,
    next_supervision_level,
    parse_kind,
    pending_extension,
    split_off,
    supervision_notice,
)
from agent_app.core.calendar import CHINA_TZ, WorkingCalendar
from agent_app.core.deadlines import DeadlinePolicy, compute_deadline
from agent_app.core.enums import Rating, Role, SupervisionLevel
from agent_app.core.enums import TicketStatus as S
from agent_app.core.lifecycle import EVENT_STATES, TRANSITIONS, Action, SideEvent
from agent_app.core.models import Ticket, TicketEvent, new_event_id
from tests.factories import make_ticket

ALL_KINDS: list[CommandKind] = [*Action, *SideEvent, *FollowUp]
POLICY = DeadlinePolicy.from_dict({"rules": [
    {"appeal_type": "*", "urgency": "*", "amount": 5, "unit": "days", "working": True},
    {"appeal_type": "*", "urgency": "critical", "amount": 24, "unit": "hours",
     "working": False}]})
CALENDAR = WorkingCalendar()
AT = datetime(2026, 11, 24, 9, 30, tzinfo=CHINA_TZ)  # a Tuesday
UNIT, OTHER_UNIT = "市城市管理局", "市住建局"


def event(kind: str, **data: Any) -> TicketEvent:
    return TicketEvent(new_event_id(), AT - timedelta(hours=1), kind, "someone", data)


def ticket_in(status: S, *events: TicketEvent, **fields: Any) -> Ticket:
    base = make_ticket("T-1", status=status)
    unit = None if status in (S.DRAFT, S.REGISTERED) else UNIT
    deadline = None if unit is None else datetime(2026, 11, 30, 23, 59, 59, tzinfo=CHINA_TZ)
    return replace(base, **{"unit": unit, "deadline": deadline, **fields},
                   events=[*base.events, *events])


def prepared(status: S, kind: CommandKind) -> Ticket:
    """A ticket in `status` meeting the guards of `kind` (the ones not about state)."""
    if kind is Action.CLOSE:
        return ticket_in(status, event("replied", text="已处理"),
                         event("callback", reached=True, result="satisfied",
                               process="satisfied"))
    if kind is Action.REDO:
        return ticket_in(status, event("replied", text="已处理"),
                         event("callback", reached=True, result="dissatisfied",
                               process="satisfied"))
    if kind is FollowUp.EXTENSION_DECISION:
        return ticket_in(status, event("extension", decision="pending", reason="需协调",
                                       requested_deadline="2026-12-10T18:00:00+08:00"))
    return ticket_in(status)


def valid_data(kind: CommandKind, ticket: Ticket) -> dict[str, Any]:
    later = (ticket.deadline or AT) + timedelta(days=7)
    level = next_supervision_level(ticket) or SupervisionLevel.WRITTEN
    return {
        Action.ANSWER: {"text": "可携带身份证到政务服务中心办理。"},
        Action.DISPATCH: {"unit": UNIT},
        Action.REDISPATCH: {"unit": OTHER_UNIT if ticket.unit != OTHER_UNIT else UNIT},
        Action.RETURN: {"reason": "不属于本单位职责"},
        Action.REJECT_RETURN: {"reason": "属于贵单位职责，请办理"},
        Action.REPLY: {"text": "已安排人员修复路灯。"},
        Action.REDO: {"reason": "来电人对办理结果不满意"},
        Action.MERGE: {"into": "T-OPEN"},
        SideEvent.EXTENSION: {"requested_deadline": later.isoformat(), "reason": "需协调"},
        SideEvent.SUPERVISION: {"level": level.value, "notice": "请尽快办理。"},
        SideEvent.NOTE: {"text": "来电人补充：晚上八点后在家。"},
        FollowUp.CALLBACK: {"result": "satisfied", "process": "basically_satisfied"},
        FollowUp.EXTENSION_DECISION: {"decision": "approved", "working_days": 3},
        FollowUp.SPLIT: {"to": "T-NEW", "reason": "一次来电反映两件事"},
        Action.TRANSFER: {"target": "110", "reason": "来电人报警，转110处理"},
    }.get(kind, {})


def command(ticket: Ticket, kind: CommandKind, data: dict[str, Any] | None = None, *,
            at: datetime = AT) -> TicketCommand:
    return TicketCommand(ticket.id, kind, at, "lead01",
                         valid_data(kind, ticket) if data is None else data)


def apply(ticket: Ticket, cmd: TicketCommand) -> Ticket:
    return apply_command(ticket, cmd, policy=POLICY, calendar=CALENDAR)


def state_allows(status: S, kind: CommandKind) -> bool:
    if isinstance(kind, Action):
        return (status, kind) in TRANSITIONS
    if isinstance(kind, SideEvent):
        return status in EVENT_STATES[kind]
    return status in FOLLOW_UP_STATES[kind]


# Every state × every kind --------------------------------------------------------------------
@pytest.mark.parametrize(("status", "kind"), [(s, k) for s in S for k in ALL_KINDS])
def test_each_kind_applies_exactly_where_the_state_allows_it(status, kind):
    ticket = prepared(status, kind)
    cmd = command(ticket, kind)
    if not state_allows(status, kind):
        with pytest.raises(CommandRefusedError):
            apply(ticket, cmd)
        return
    result = apply(ticket, cmd)
    expected = TRANSITIONS[(status, kind)] if isinstance(kind, Action) else status
    assert result.status is expected
    assert result.events[:-1] == ticket.events  # history kept, one event appended
    added = result.events[-1]
    assert (added.id, added.kind, added.at, added.actor) == (
        cmd.event_id, EVENT_KINDS[kind], AT, "lead01")
    assert ticket.status is status and len(ticket.events) + 1 == len(result.events)  # untouched


@pytest.mark.parametrize(("status", "kind"), [(s, k) for s in S for k in ALL_KINDS
                                               if state_allows(s, k)])
def test_a_replayed_command_changes_nothing(status, kind):
    ticket = prepared(status, kind)
    cmd = command(ticket, kind)
    once = apply(ticket, cmd)
    assert apply(once, cmd) == once


# Roles ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("role", "kind"), [(r, k) for r in Role for k in ALL_KINDS])
def test_the_role_table_decides_who_may(role, kind):
    ticket = prepared(S.REPLIED, Action.REDO)  # satisfies the operator's redo rule
    if role in COMMAND_ROLES[kind]:
        authorise(ticket, kind, role)
    else:
        with pytest.raises(CommandRefusedError):
            authorise(ticket, kind, role)


def test_every_kind_has_roles_an_event_kind_and_a_wire_name():
    # The network steps have a test module of their own (test_network.py).
    assert set(COMMAND_ROLES) == set(EVENT_KINDS) == set(ALL_KINDS) | set(NetworkStep)
    assert len({k.value for k in ALL_KINDS}) == len(ALL_KINDS)
    for kind in ALL_KINDS:
        assert parse_kind(kind.value) is kind
    with pytest.raises(ValueError):
        parse_kind("explode")


def test_operators_redo_only_after_a_dissatisfied_callback_leads_at_any_reply():
    satisfied = ticket_in(S.REPLIED, event("replied", text="已处理"),
                          event("callback", reached=True, result="satisfied",
                                process="satisfied"))
    with pytest.raises(CommandRefusedError):
        authorise(satisfied, Action.REDO, Role.OPERATOR)
    authorise(satisfied, Action.REDO, Role.LEAD)  # a formulaic reply, the lead's judgement
    assert Action.REDO in allowed_commands(satisfied, Role.LEAD)
    assert Action.REDO not in allowed_commands(satisfied, Role.OPERATOR)


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("role", list(Role))
def test_allowed_commands_are_exactly_those_that_apply(status, role):
    ticket = ticket_in(status, event("replied", text="已处理"),
                       event("callback", reached=True, result="satisfied", process="satisfied"))
    allowed = allowed_commands(ticket, role)
    for kind in ALL_KINDS:
        try:
            authorise(ticket, kind, role)
            apply(ticket, command(ticket, kind))
            works = True
        except CommandRefusedError:
            works = False
        assert (kind in allowed) == works, kind


# Fields each command changes --------------------------------------------------------------------
def test_dispatch_sets_unit_and_policy_deadline():
    ticket = ticket_in(S.REGISTERED)
    result = apply(ticket, command(ticket, Action.DISPATCH))
    assert result.unit == UNIT
    assert result.deadline == compute_deadline(AT, ticket.appeal_type, ticket.urgency, POLICY,
                                               CALENDAR)
    assert result.deadline == datetime(2026, 12, 1, 23, 59, 59, tzinfo=CHINA_TZ)
    assert result.events[-1].data == {"unit": UNIT, "deadline": result.deadline.isoformat()}


def test_dispatch_without_a_unit_is_refused():
    ticket = ticket_in(S.REGISTERED)
    for data in ({}, {"unit": ""}, {"unit": "  "}, {"unit": 5}):
        with pytest.raises(CommandRefusedError):
            apply(ticket, command(ticket, Action.DISPATCH, data))


def test_redispatch_goes_to_another_unit_with_a_fresh_deadline_and_no_supervision():
    ticket = ticket_in(S.RETURNED, supervision_level=SupervisionLevel.PHONE)
    with pytest.raises(CommandRefusedError):
        apply(ticket, command(ticket, Action.REDISPATCH, {"unit": UNIT}))
    result = apply(ticket, command(ticket, Action.REDISPATCH, {"unit": OTHER_UNIT}))
    assert (result.status, result.unit, result.supervision_level) == (
        S.DISPATCHED, OTHER_UNIT, None)
    assert result.deadline == datetime(2026, 12, 1, 23, 59, 59, tzinfo=CHINA_TZ)
    assert result.events[-1].data["previous_unit"] == UNIT


def test_rejecting_a_return_keeps_unit_and_deadline_and_needs_a_reason():
    ticket = ticket_in(S.RETURNED)
    with pytest.raises(CommandRefusedError):
        apply(ticket, command(ticket, Action.REJECT_RETURN, {"reason": ""}))
    result = apply(ticket, command(ticket, Action.REJECT_RETURN))
    assert (result.status, result.unit, result.deadline) == (S.DISPATCHED, UNIT,
                                                             ticket.deadline)


def test_reply_text_becomes_the_answer_and_must_say_something():
    ticket = ticket_in(S.ACCEPTED)
    with pytest.raises(CommandRefusedError):
        apply(ticket, command(ticket, Action.REPLY, {"text": "好"}))
    result = apply(ticket, command(ticket, Action.REPLY))
    assert result.answer == "已安排人员修复路灯。"


def test_redo_counts_and_gives_a_new_deadline_and_the_second_flags_the_lead():
    ticket = prepared(S.REPLIED, Action.REDO)
    first = apply(ticket, command(ticket, Action.REDO))
    assert (first.status, first.redo_count) == (S.DISPATCHED, 1)
    assert first.deadline == datetime(2026, 12, 1, 23, 59, 59, tzinfo=CHINA_TZ)
    assert not needs_lead(first)
    replied = replace(first, status=S.REPLIED, events=[*first.events, event("replied", text="x")])
    second = apply(replied, command(replied, Action.REDO))
    assert second.redo_count == LEAD_ATTENTION_REDOS and needs_lead(second)
    assert not needs_lead(replace(second, status=S.CLOSED))


def test_close_needs_a_rated_callback_or_three_unreached_or_no_callback_wanted():
    replied = ticket_in(S.REPLIED, event("replied", text="已处理"))
    with pytest.raises(CommandRefusedError):
        apply(replied, command(replied, Action.CLOSE))
    ticket = replied
    for attempt in range(1, MAX_CALLBACK_ATTEMPTS + 1):
        ticket = apply(ticket, command(ticket, SideEvent.CALLBACK_NOT_REACHED))
        assert callback_attempts(ticket) == attempt
        assert ticket.events[-1].data == {"reached": False, "result": None, "process": None,
                                          "attempt": attempt}
        if attempt < MAX_CALLBACK_ATTEMPTS:
            assert Action.CLOSE not in allowed_commands(ticket, Role.OPERATOR)
    assert apply(ticket, command(ticket, Action.CLOSE)).status is S.CLOSED
    declined = replace(replied, callback_permitted=False)
    assert apply(declined, command(declined, Action.CLOSE)).status is S.CLOSED


def test_a_dissatisfied_result_cannot_be_closed_but_a_basic_one_can():
    replied = ticket_in(S.REPLIED, event("replied", text="已处理"))
    unhappy = apply(replied, command(replied, FollowUp.CALLBACK,
                                     {"result": "dissatisfied", "process": "satisfied"}))
    assert unhappy.status is S.REPLIED
    with pytest.raises(CommandRefusedError):
        apply(unhappy, command(unhappy, Action.CLOSE))
    assert allowed_commands(unhappy, Role.OPERATOR).count(Action.REDO) == 1
    basic = apply(replied, command(replied, FollowUp.CALLBACK,
                                   {"result": "basically_satisfied",
                                    "process": "dissatisfied"}))
    assert apply(basic, command(basic, Action.CLOSE)).status is S.CLOSED


def test_callbacks_count_from_the_latest_reply():
    old = ticket_in(S.REPLIED, event("replied", text="a"),
                    event("callback", reached=False), event("callback", reached=False),
                    event("callback", reached=True, result="dissatisfied",
                          process="satisfied"),
                    event("redo", reason="x"), event("replied", text="b"))
    assert callback_attempts(old) == 0
    with pytest.raises(CommandRefusedError):
        apply(old, command(old, Action.CLOSE))


@pytest.mark.parametrize("data", [{}, {"result": "satisfied"}, {"result": "great",
                                                                 "process": "satisfied"}])
def test_a_callback_needs_both_ratings(data):
    ticket = ticket_in(S.REPLIED)
    with pytest.raises(CommandRefusedError):
        apply(ticket, command(ticket, FollowUp.CALLBACK, data))


def test_extension_request_then_approval_by_working_days():
    ticket = ticket_in(S.ACCEPTED)
    assert FollowUp.EXTENSION_DECISION not in allowed_commands(ticket, Role.LEAD)
    with pytest.raises(CommandRefusedError):  # not later than the current deadline
        apply(ticket, command(ticket, SideEvent.EXTENSION,
                              {"requested_deadline": ticket.deadline.isoformat(),
                               "reason": "需协调"}))
    asked = apply(ticket, command(ticket, SideEvent.EXTENSION))
    assert pending_extension(asked) is asked.events[-1]
    assert SideEvent.EXTENSION not in allowed_commands(asked, Role.UNIT)  # one at a time
    approved = apply(asked, command(asked, FollowUp.EXTENSION_DECISION,
                                    {"decision": "approved", "working_days": 3}))
    # Current deadline Mon 30 Nov; three working days later is Thu 3 Dec.
    assert approved.deadline == datetime(2026, 12, 3, 23, 59, 59, tzinfo=CHINA_TZ)
    assert approved.events[-1].data["request_id"] == asked.events[-1].id
    assert pending_extension(approved) is None
    with pytest.raises(CommandRefusedError):
        apply(approved, command(approved, FollowUp.EXTENSION_DECISION))


def test_extension_approval_skips_holidays():
    # Deadline the eve of the 2026 National Day holiday (1–7 Oct); 8, 9 and 10 Oct (a 调休
    # Saturday) are the three working days after it.
    ticket = ticket_in(S.ACCEPTED, event("extension", decision="pending", reason="x",
                                         requested_deadline="2026-10-20T00:00:00+08:00"),
                       deadline=datetime(2026, 9, 30, 23, 59, 59, tzinfo=CHINA_TZ))
    approved = apply(ticket, command(ticket, FollowUp.EXTENSION_DECISION,
                                     at=datetime(2026, 9, 30, 10, tzinfo=CHINA_TZ)))
    assert approved.deadline == datetime(2026, 10, 10, 23, 59, 59, tzinfo=CHINA_TZ)


def test_an_approval_whose_new_deadline_has_already_passed_is_refused():
    # Overdue since 2 Nov; three working days after that is 5 Nov, long before the decision
    # on 24 Nov: the unit would be overdue the moment it is granted.
    ticket = ticket_in(S.ACCEPTED, event("extension", decision="pending", reason="x",
                                         requested_deadline="2026-12-01T00:00:00+08:00"),
                       deadline=datetime(2026, 11, 2, 23, 59, 59, tzinfo=CHINA_TZ))
    with pytest.raises(CommandRefusedError) as refused:
        apply(ticket, command(ticket, FollowUp.EXTENSION_DECISION,
                              {"decision": "approved", "working_days": 3}))
    assert "already passed" in refused.value.reason
    with pytest.raises(CommandRefusedError):
        apply(ticket, command(ticket, FollowUp.EXTENSION_DECISION,
                              {"decision": "approved", "deadline": "2026-11-20T18:00:00+08:00"}))
    # Enough working days to reach past the decision: granted.
    approved = apply(ticket, command(ticket, FollowUp.EXTENSION_DECISION,
                                     {"decision": "approved", "working_days": 20}))
    assert approved.deadline is not None and approved.deadline > AT


@pytest.mark.parametrize("data", [
    {"decision": "approved"}, {"decision": "approved", "working_days": 0},
    {"decision": "approved", "working_days": 61}, {"decision": "approved", "working_days": "3"},
    {"decision": "approved", "working_days": True},
    {"decision": "approved", "deadline": "2026-11-01T00:00:00+08:00"},
    {"decision": "maybe"}, {"decision": "denied"}])
def test_bad_extension_decisions_are_refused(data):
    ticket = prepared(S.ACCEPTED, FollowUp.EXTENSION_DECISION)
    with pytest.raises(CommandRefusedError):
        apply(ticket, command(ticket, FollowUp.EXTENSION_DECISION, data))


def test_denied_extension_keeps_the_deadline_and_an_explicit_deadline_is_accepted():
    ticket = prepared(S.DISPATCHED, FollowUp.EXTENSION_DECISION)
    denied = apply(ticket, command(ticket, FollowUp.EXTENSION_DECISION,
                                   {"decision": "denied", "reason": "时限内可办结"}))
    assert denied.deadline == ticket.deadline and pending_extension(denied) is None
    explicit = apply(ticket, command(ticket, FollowUp.EXTENSION_DECISION, {
        "decision": "approved", "deadline": "2026-12-10T18:00:00+08:00"}))
    assert explicit.deadline == datetime(2026, 12, 10, 18, tzinfo=CHINA_TZ)


def test_supervision_climbs_the_ladder_one_step_at_a_time():
    ticket = ticket_in(S.DISPATCHED)
    with pytest.raises(CommandRefusedError):
        apply(ticket, command(ticket, SideEvent.SUPERVISION,
                              {"level": "phone", "notice": "请办理"}))
    for level in SUPERVISION_LADDER:
        assert next_supervision_level(ticket) is level
        ticket = apply(ticket, command(ticket, SideEvent.SUPERVISION))
        assert ticket.supervision_level is level
        assert ticket.events[-1].data == {"level": level.value, "unit": UNIT,
                                          "notice": "请尽快办理。"}
    assert next_supervision_level(ticket) is None
    assert SideEvent.SUPERVISION not in allowed_commands(ticket, Role.LEAD)
    with pytest.raises(CommandRefusedError):
        apply(ticket, command(ticket, SideEvent.SUPERVISION,
                              {"level": "written", "notice": "请办理"}))


def test_supervision_needs_a_notice():
    ticket = ticket_in(S.ACCEPTED)
    with pytest.raises(CommandRefusedError):
        apply(ticket, command(ticket, SideEvent.SUPERVISION, {"level": "reminder"}))


def test_notices_are_filled_from_the_ticket():
    ticket = ticket_in(S.ACCEPTED)
    text = supervision_notice(NOTICE_TEMPLATES[SupervisionLevel.WRITTEN], ticket,
                              required="三日内书面报告")
    assert UNIT in text and "T-1" in text and "2026-11-30 23:59" in text
    assert "城市管理/路灯照明" in text and "三日内书面报告" in text


def test_merge_and_its_references():
    ticket = ticket_in(S.DISPATCHED)
    with pytest.raises(CommandRefusedError):
        apply(ticket, command(ticket, Action.MERGE, {"into": "T-1"}))
    merged = apply(ticket, command(ticket, Action.MERGE))
    assert merged.status is S.MERGED and merged_into(merged) == "T-OPEN"
    target = ticket_in(S.ACCEPTED)
    noted = apply(target, command(target, SideEvent.NOTE,
                                  {"text": "并入重复来电", "merged_from": "T-2"}))
    assert merged_from(noted) == ["T-2"] and merged_into(noted) is None


def test_merge_targets_must_be_other_open_tickets():
    source = ticket_in(S.REGISTERED)
    check_merge_target(source, replace(ticket_in(S.ACCEPTED), id="T-9"))
    for target in (None, source, replace(ticket_in(S.CLOSED), id="T-9"),
                   replace(ticket_in(S.MERGED), id="T-9")):
        with pytest.raises(CommandRefusedError):
            check_merge_target(source, target)


def test_split_makes_a_registered_ticket_that_names_its_source():
    source = ticket_in(S.ACCEPTED, supervision_level=SupervisionLevel.REMINDER)
    part = split_off(source, new_id="T-NEW", content="另：小区垃圾未清运", demand="清运",
                     at=AT, actor="lead01")
    assert (part.id, part.status, part.unit, part.deadline, part.supervision_level) == (
        "T-NEW", S.REGISTERED, None, None, None)
    assert part.caller == source.caller and part.location == source.location
    assert [(e.kind, e.data) for e in part.events] == [("registered", {"split_from": "T-1"})]
    split = apply(source, command(source, FollowUp.SPLIT))
    assert split.status is S.ACCEPTED and split.events[-1].data["to"] == "T-NEW"
    with pytest.raises(CommandRefusedError):
        split_off(source, new_id="T-X", content=" ", demand="", at=AT, actor="lead01")


def test_a_command_for_another_ticket_is_refused():
    ticket = ticket_in(S.REGISTERED)
    with pytest.raises(CommandRefusedError):
        apply(ticket, replace(command(ticket, Action.DISPATCH), ticket_id="T-2"))


# Wire form ---------------------------------------------------------------------------------
@given(kind=st.sampled_from(ALL_KINDS),
       text=st.text(max_size=30),
       minutes=st.integers(min_value=-10_000, max_value=10_000))
def test_commands_round_trip_through_their_wire_form(kind, text, minutes):
    cmd = TicketCommand("T-1", kind, AT + timedelta(minutes=minutes), "op01",
                        {"text": text, "n": minutes})
    assert TicketCommand.from_dict(cmd.to_dict()) == cmd


@pytest.mark.parametrize("wire", [
    {}, {"ticket_id": "T-1", "kind": "dispatch", "at": "2026-11-24T09:30:00",
         "event_id": "e"},  # no offset
    {"ticket_id": "T-1", "kind": "nope", "at": AT.isoformat(), "event_id": "e"},
    {"ticket_id": "T-1", "kind": "note", "at": AT.isoformat(), "event_id": "e", "data": [1]},
])
def test_malformed_wire_commands_are_refused(wire):
    with pytest.raises(CommandRefusedError):
        TicketCommand.from_dict(wire)


# Random sequences ------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ALL_KINDS), st.sampled_from(list(Role)),
                          st.sampled_from(list(Rating)), st.booleans()), max_size=25))
def test_random_command_sequences_keep_the_ticket_consistent(steps):
    ticket = ticket_in(S.REGISTERED)
    applied: list[TicketCommand] = []
    for minute, (kind, role, rating, replay) in enumerate(steps):
        if replay and applied:
            assert apply(ticket, applied[-1]) == ticket
            continue
        data = valid_data(kind, ticket)
        if kind is FollowUp.CALLBACK:
            data = {"result": rating.value, "process": rating.value}
        cmd = command(ticket, kind, data, at=AT + timedelta(minutes=minute))
        try:
            authorise(ticket, kind, role)
            after = apply(ticket, cmd)
        except CommandRefusedError:
            assert kind not in allowed_commands(ticket, role)
            continue
        assert kind in allowed_commands(ticket, role)
        if isinstance(kind, Action):
            assert TRANSITIONS[(ticket.status, kind)] is after.status
        else:
            assert after.status is ticket.status
        assert len(after.events) == len(ticket.events) + 1
        ticket = after
        applied.append(cmd)
    assert ticket.redo_count == sum(e.kind == "redo" for e in ticket.events)
    assert len({e.id for e in ticket.events}) == len(ticket.events)
    if ticket.status not in (S.REGISTERED, S.DRAFT, S.ANSWERED) and ticket.unit is None:
        # merged or transferred straight from registered
        assert ticket.status in (S.MERGED, S.TRANSFERRED)
