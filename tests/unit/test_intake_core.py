"""The intake form's rules without a window: drafts, checks, the ticket it becomes, repeats."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.category_search import CategoryIndex
from agent_app.core.completeness import Outcome
from agent_app.core.enums import TicketStatus
from agent_app.core.intake import IntakeState, build_ticket, check, is_repeat_of
from agent_app.core.reference import ReferenceData, shipped_documents
from agent_app.paths import resources_dir
from tests.factories import make_ticket

NOW = make_ticket().created_at + timedelta(days=2)


@pytest.fixture(scope="module")
def reference() -> ReferenceData:
    return ReferenceData.from_documents(shipped_documents(resources_dir() / "catalogues"))


def complete_state(**changes) -> IntakeState:
    state = IntakeState(
        caller_phone="138 0013 8000", caller_name="李女士", appeal_type="complaint",
        category=("城市管理", "路灯照明"), location=("卫东区", "五一路街道", "五一路社区"),
        address="五一路市41中门口", content="校门口两侧路灯长期不亮。", demand="尽快修复",
        unit="卫东区五一路街道办事处", received_at=NOW.isoformat())
    return replace(state, **changes)


def test_a_draft_survives_json_and_ignores_keys_of_other_releases():
    state = complete_state()
    data = json.loads(json.dumps(state.to_dict(), ensure_ascii=False))
    data["field_from_a_newer_release"] = 1
    assert IntakeState.from_dict(data) == state


@given(st.text(max_size=30), st.text(max_size=30), st.booleans())
def test_from_dict_never_loses_typed_text(phone, content, withheld):
    state = IntakeState(caller_phone=phone, content=content, phone_withheld=withheld)
    assert IntakeState.from_dict(state.to_dict()) == state


def test_blank_means_nothing_typed():
    assert IntakeState().is_blank()
    assert not IntakeState(content="路灯").is_blank()
    assert not IntakeState(category=("城市管理", "路灯照明")).is_blank()


def test_dispatch_needs_a_unit_and_the_place(reference):
    fields = [i.field for i in check(complete_state(unit="", location=("卫东区", "", "")),
                                     Outcome.DISPATCH)]
    assert fields == ["location", "unit"]


def test_answer_needs_the_answer_but_no_place():
    state = complete_state(location=("", "", ""), address="", unit="")
    assert [i.field for i in check(state, Outcome.ANSWER)] == ["answer"]
    assert check(replace(state, answer="可登录公积金APP办理。"), Outcome.ANSWER) == []


def test_a_missing_category_is_reported_next_to_the_picker():
    assert [i.field for i in check(complete_state(category=None), Outcome.DISPATCH)] == [
        "category"]


def test_a_dispatched_ticket_has_its_unit_deadline_and_two_events(reference):
    ticket = build_ticket(complete_state(), Outcome.DISPATCH, reference, actor="op01", now=NOW)
    assert ticket.status is TicketStatus.DISPATCHED
    assert ticket.unit == "卫东区五一路街道办事处"
    assert ticket.caller.phone == "13800138000"  # spaces typed while listening are dropped
    assert [e.kind for e in ticket.events] == ["registered", "dispatched"]
    assert ticket.events[1].data["unit"] == ticket.unit
    # A normal complaint: five working days, never less than five calendar days.
    assert ticket.deadline is not None and ticket.deadline - NOW >= timedelta(days=5)
    assert ticket.deadline == reference.calendar.add_working_days(NOW, 5)


def test_an_answered_consultation_is_closed_on_the_call(reference):
    state = complete_state(appeal_type="consultation", answer="  携带身份证到服务大厅办理。 ")
    ticket = build_ticket(state, Outcome.ANSWER, reference, actor="op01", now=NOW)
    assert ticket.status is TicketStatus.ANSWERED
    assert ticket.answer == "携带身份证到服务大厅办理。"
    assert ticket.unit is None and ticket.deadline is None


def test_an_incomplete_form_never_becomes_a_ticket(reference):
    with pytest.raises(ValueError, match="content"):
        build_ticket(complete_state(content=""), Outcome.DISPATCH, reference, actor="op01",
                     now=NOW)


def test_ticket_ids_do_not_collide():
    from agent_app.core.intake import new_ticket_id

    assert len({new_ticket_id(NOW) for _ in range(5000)}) == 5000


@pytest.mark.parametrize(("change", "repeat"), [
    ({}, True),
    ({"caller_phone": "13900000000"}, True),  # same address
    ({"caller_phone": "13900000000", "address": "别处"}, False),
    ({"category": ("城市管理", "噪音扰民")}, False),
    ({"address": "别处"}, True),  # same phone
    ({"address": "别处", "phone_withheld": True}, False),
])
def test_repeat_appeal_rule(change, repeat):
    earlier = make_ticket(status=TicketStatus.DISPATCHED, phone="13800138000")
    state = complete_state(**{"address": earlier.address, **change})
    assert is_repeat_of(state, earlier, NOW) is repeat


def test_closed_or_old_tickets_are_not_repeats():
    state = complete_state(address=make_ticket().address)
    assert not is_repeat_of(state, make_ticket(status=TicketStatus.CLOSED, phone="13800138000"),
                            NOW)
    assert not is_repeat_of(state, make_ticket(status=TicketStatus.DISPATCHED,
                                               phone="13800138000"), NOW + timedelta(days=31))


@pytest.fixture(scope="module")
def categories(reference) -> CategoryIndex:
    return CategoryIndex.build(reference.catalogue)


@pytest.mark.parametrize(("query", "expected"), [
    ("噪音", "噪音扰民"), ("0103", "噪音扰民"), ("zyrm", "噪音扰民"), ("zaoyin", "噪音扰民"),
    ("gjj", "住房公积金"), ("医保", "医疗保险"), ("ZYRM", "噪音扰民"), ("噪 音", "噪音扰民"),
])
def test_category_filter_by_name_code_and_pinyin(categories, query, expected):
    assert categories.search(query)[0].path.level2 == expected


@given(st.text(max_size=20))
def test_category_filter_never_raises(query):
    index = CategoryIndex.build(ReferenceData.from_documents(
        shipped_documents(resources_dir() / "catalogues")).catalogue, with_pinyin=False)
    assert len(index.search(query, limit=10)) <= 10


def test_received_time_without_offset_counts_as_missing():
    state = complete_state(received_at=NOW.replace(tzinfo=None).isoformat())
    assert "received_at" in [i.field for i in check(state, Outcome.DISPATCH)]
    assert check(complete_state(received_at=NOW.astimezone(CHINA_TZ).isoformat()),
                 Outcome.DISPATCH) == []
