"""The one schema of what a client may push, and tickets made from intake facts and commands."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_app.core.calendar import CHINA_TZ, WorkingCalendar
from agent_app.core.completeness import Outcome
from agent_app.core.creation import (
    creation_steps,
    registered_ticket,
    replay_history,
)
from agent_app.core.intake import IntakeState, build_ticket
from agent_app.core.masking import identity_patterns, withhold_identity
from agent_app.core.reference import ReferenceData, shipped_documents
from agent_app.core.wire import (
    CLOCK_SKEW,
    MAX_RECEIVED_AGE,
    WireError,
    check_command_shape,
    check_event_id,
    parse_intake,
)
from agent_app.paths import resources_dir
from tests.factories import dispatched, make_ticket, shipped_policy

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=CHINA_TZ)


def intake_state(**changes: object) -> IntakeState:
    state = IntakeState(caller_phone="13800138000", caller_name="王女士",
                        appeal_type="complaint", category=("城市管理", "路灯照明"),
                        location=("卫东区", "五一路街道", "五一路社区"), address="五一路41号",
                        content="校门口路灯不亮，晚上很黑。", demand="尽快修复",
                        unit="市城市管理局", answer="路灯报修请拨打城管热线。",
                        received_at=(NOW - timedelta(minutes=4)).isoformat())
    return replace(state, **changes)


@pytest.mark.parametrize("outcome", [Outcome.DISPATCH, Outcome.ANSWER])
def test_a_built_ticket_is_exactly_what_its_facts_and_commands_replay_to(outcome):
    reference = ReferenceData.from_documents(shipped_documents(resources_dir() / "catalogues"))
    built = build_ticket(intake_state(), outcome, reference, actor="op01", now=NOW)
    facts, commands = creation_steps(built)
    replayed = registered_ticket(facts, "op01")
    from agent_app.core.actions import apply_command

    for command in commands:
        replayed = apply_command(replayed, command, policy=reference.policy,
                                 calendar=reference.calendar)
    assert replayed == built


def test_a_ticket_whose_status_no_step_led_to_is_refused():
    claimed = replace(make_ticket("T-1"), status=make_ticket().status.__class__("closed"))
    with pytest.raises(WireError):
        creation_steps(claimed)
    with pytest.raises(WireError):
        creation_steps(replace(make_ticket("T-2"), unit="市城市管理局"))  # no dispatch


def test_a_recovered_history_is_replayed_not_taken():
    ticket = dispatched(make_ticket("T-1"), "市城市管理局")
    forged = replace(ticket, redo_count=7, deadline=ticket.deadline + timedelta(days=90))
    replayed = replay_history(forged, policy=shipped_policy(), calendar=WorkingCalendar())
    assert replayed.redo_count == 0 and replayed.deadline == ticket.deadline


def test_received_time_is_bounded_by_the_servers_clock():
    facts = creation_steps(make_ticket("T-1"))[0].to_dict()
    received = datetime.fromisoformat(facts["received_at"])
    parse_intake(facts, now=received + timedelta(days=1))
    with pytest.raises(WireError):
        parse_intake(facts, now=received - CLOCK_SKEW - timedelta(seconds=1))
    with pytest.raises(WireError):
        parse_intake(facts, now=received + MAX_RECEIVED_AGE + timedelta(seconds=1))


@pytest.mark.parametrize("value", ["x", "", 7, None, "E6B3A6A2-31D1-4C2C-9E1D-9C1C1C1C1C1C",
                                   "e6b3a6a231d14c2c9e1d9c1c1c1c1c1c"])
def test_event_ids_are_canonical_uuids(value):
    with pytest.raises(WireError):
        check_event_id(value)


_json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30),
                          st.floats(allow_nan=False))
_json = st.recursive(_json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=10)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "received_at", "registered_event_id", "channel",
                                        "appeal_type", "urgency", "category", "caller",
                                        "location", "address", "content", "demand",
                                        "confidential", "callback_permitted", "split_from",
                                        "status", "junk"]), _json, max_size=12))
def test_anything_a_client_sends_is_either_facts_or_a_wire_error(args):
    """Never a TypeError, KeyError or OverflowError: those were 500s or poisoned pulls."""
    try:
        facts = parse_intake(args, now=NOW)
    except WireError:
        return
    assert registered_ticket(facts, "op01").id == facts.id


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["ticket_id", "kind", "event_id", "at", "actor",
                                        "data"]), _json, max_size=6))
def test_any_command_envelope_is_checked_without_crashing(args):
    try:
        check_command_shape(args, now=NOW)
    except WireError:
        return
    for value in args.get("data", {}).values():
        assert value is None or isinstance(value, bool | int | str)


@pytest.mark.parametrize("written", [
    "13912345678", "139-1234-5678", "139 1234 5678", "+86 139 1234 5678", "+8613912345678",
    "0086 13912345678", "139.1234.5678", "(139)1234-5678"])
def test_a_mobile_number_is_withheld_in_every_writing(written):
    patterns = identity_patterns("李四", "13912345678")
    shown = withhold_identity(f"请回电{written}，谢谢", patterns)
    assert "***" in shown and not any(ch.isdigit() for ch in shown)


@pytest.mark.parametrize("written", [
    "0375-2345678", "03752345678", "(0375)2345678", "（0375）2345678", "0375 234 5678",
    "+86 375 2345678", "2345678"])
def test_a_landline_is_withheld_with_or_without_its_area_code(written):
    patterns = identity_patterns("欧阳娜娜", "0375-2345678")
    assert "2345678" not in withhold_identity(f"号码{written}", patterns)


@pytest.mark.parametrize("written", ["李四", "李 四", "李·四", "李　四", "李-四"])
def test_a_name_is_withheld_with_spaces_or_punctuation_inside(written):
    patterns = identity_patterns("李 四", "")
    assert withhold_identity(f"{written}反映", patterns) == "***反映"


def test_other_numbers_and_a_one_character_name_are_left_alone():
    patterns = identity_patterns("李", "13912345678")
    text = "李先生说小区有13912345670户，编号2026-11-23"
    assert withhold_identity(text, patterns) == text


def test_a_command_with_nested_or_huge_data_is_refused():
    base = {"ticket_id": "T-1", "kind": "note", "event_id": "0b9a4f8e-5a52-4d1e-9a3c-7a1d3c2b1a00",
            "at": datetime.now(UTC).isoformat(), "actor": "op01"}
    for data in ({"text": {"a": 1}}, {"text": "长" * 3000}, {"n": 10**20},
                 {f"k{i}": "v" for i in range(20)}):
        with pytest.raises(WireError):
            check_command_shape({**base, "data": data}, now=datetime.now(UTC))
    check_command_shape({**base, "data": {"text": "补充"}}, now=datetime.now(UTC))
