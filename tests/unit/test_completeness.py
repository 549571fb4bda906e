from dataclasses import replace
from datetime import datetime

import pytest

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.completeness import (
    REQUIRED_ELEMENTS,
    Element,
    IntakeFacts,
    Outcome,
    check_completeness,
    is_valid_phone,
    missing_elements,
)
from agent_app.core.models import Caller, LocationPath

COMPLETE = IntakeFacts(
    caller=Caller(name="张先生", phone="13800000000"),
    received_at=datetime(2026, 11, 23, 10, tzinfo=CHINA_TZ),
    location=LocationPath("湛河区", "南环路街道", "河滨社区"),
    address="中建七局家属院",
    content="家属院内树木过高，树枝缠绕电线，刮风时有安全隐患。",
    demand="希望有关部门修剪树枝",
)


def test_a_complete_appeal_has_no_issues_for_either_outcome():
    assert check_completeness(COMPLETE, Outcome.DISPATCH) == []
    assert check_completeness(COMPLETE, Outcome.ANSWER) == []


@pytest.mark.parametrize(("change", "field", "element"), [
    ({"caller": Caller(name="张先生", phone="")}, "caller_phone", Element.WHO),
    ({"caller": Caller(name="张先生", phone="12345")}, "caller_phone", Element.WHO),
    ({"caller": Caller(name="", phone="13800000000")}, "caller_name", Element.WHO),
    ({"received_at": None}, "received_at", Element.WHEN),
    ({"location": LocationPath("湛河区", "南环路街道", "")}, "location", Element.WHERE),
    ({"address": "  "}, "address", Element.WHERE),
    ({"content": "路灯"}, "content", Element.WHAT),
    ({"content": "长" * 2001}, "content", Element.WHAT),
    ({"demand": ""}, "demand", Element.DEMAND),
    ({"demand": "要" * 501}, "demand", Element.DEMAND),
])
def test_each_missing_element_is_reported_at_its_field(change, field, element):
    issues = check_completeness(replace(COMPLETE, **change), Outcome.DISPATCH)
    assert [(i.field, i.element) for i in issues] == [(field, element)]
    assert issues[0].message


def test_a_direct_answer_needs_no_place_but_a_dispatch_does():
    no_place = replace(COMPLETE, location=LocationPath(), address="")
    assert check_completeness(no_place, Outcome.ANSWER) == []
    assert missing_elements(check_completeness(no_place, Outcome.DISPATCH)) == {Element.WHERE}


def test_a_direct_answer_needs_no_separate_demand_but_a_dispatch_does():
    no_demand = replace(COMPLETE, demand="")
    assert check_completeness(no_demand, Outcome.ANSWER) == []
    assert missing_elements(check_completeness(no_demand, Outcome.DISPATCH)) == {Element.DEMAND}
    # What is typed is still checked: an over-long demand is refused either way.
    too_long = replace(COMPLETE, demand="要" * 501)
    assert missing_elements(check_completeness(too_long, Outcome.ANSWER)) == {Element.DEMAND}


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_reported_element_is_one_the_outcome_requires(outcome):
    empty = IntakeFacts(Caller(), None, LocationPath(), "", "", "")
    assert missing_elements(check_completeness(empty, outcome)) \
        == REQUIRED_ELEMENTS[outcome]


def test_a_withheld_number_is_accepted_without_a_phone():
    withheld = replace(COMPLETE, caller=Caller(name="匿名", phone="", phone_withheld=True))
    assert check_completeness(withheld, Outcome.DISPATCH) == []


def test_issues_come_in_form_order():
    empty = IntakeFacts(Caller(), None, LocationPath(), "", "", "")
    fields = [i.field for i in check_completeness(empty, Outcome.DISPATCH)]
    assert fields == ["caller_phone", "caller_name", "received_at", "location", "address",
                      "content", "demand"]


@pytest.mark.parametrize(("phone", "ok"), [
    ("13800000000", True), ("19912345678", True), ("0375-2345678", True),
    ("037523456789", True), ("010-12345678", True), ("12800000000", False),
    ("1380000000", False), ("375-2345678", False), ("abc", False), ("", False),
])
def test_phone_numbers(phone, ok):
    assert is_valid_phone(phone) is ok
