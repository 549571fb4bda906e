"""The unit endpoints as one table (central_api/workflow.UNIT_STEPS): each body's fields become
the command's data as the hand-written endpoints built it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from agent_app.core.actions import UNIT_STEP_PATHS
from central_api.deps import ENDPOINT_ROLES
from central_api.refused import RefusedAnswer
from central_api.workflow import (
    UNIT_STEPS,
    ExtensionBody,
    PassDownBody,
    ReturnBody,
    command_data,
)

CHINA = timezone(timedelta(hours=8))


def test_every_step_is_a_unit_endpoint_with_its_roles():
    paths = [f"/unit/tickets/{{ticket_id}}/{step.path}" for step in UNIT_STEPS]
    assert len(set(paths)) == len(paths) == 10
    # The client's workbench posts to the same paths: one table in core names them.
    assert {step.kind: step.path for step in UNIT_STEPS} == UNIT_STEP_PATHS
    assert all(("POST", path) in ENDPOINT_ROLES for path in paths)


def test_fields_left_out_are_not_sent_and_times_go_as_iso_text():
    assert command_data(ReturnBody(reason="不属于本单位")) == {"reason": "不属于本单位"}
    deadline = datetime(2026, 11, 30, 17, 0, tzinfo=CHINA)
    assert command_data(PassDownBody(to_unit="西高皇街道", deadline=deadline)) == {
        "to_unit": "西高皇街道", "deadline": "2026-11-30T17:00:00+08:00"}
    assert command_data(ExtensionBody(requested_deadline=deadline, reason="需协调")) == {
        "requested_deadline": "2026-11-30T17:00:00+08:00", "reason": "需协调"}


@pytest.mark.parametrize(("body", "code", "detail"), [
    (PassDownBody(to_unit="西高皇街道", deadline=datetime(2026, 11, 30, 17, 0)),
     "deadline_needs_offset", "期限需要带时区。"),
    (ExtensionBody(requested_deadline=datetime(2026, 11, 30, 17, 0), reason="需协调"),
     "requested_deadline_needs_offset", "申请的办结时限需要带时区。"),
])
def test_a_time_without_an_offset_is_refused_as_before(body, code, detail):
    with pytest.raises(RefusedAnswer) as refused:
        command_data(body)
    assert refused.value.status_code == 422 and refused.value.detail == detail
    assert refused.value.body["code"] == code
