"""Done when (issue #16): a ticket walks city → district → street → community and back on a
real server, with an assisting unit and a return; the operator's client sees the whole chain;
the month's tables, computed from the exported JSON Lines, count each step."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agent_app.commands.report import run_report
from agent_app.core.actions import R_PASSED_ON, FollowUp, NetworkStep, TicketCommand
from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import Role, TicketStatus
from agent_app.core.interchange import ticket_to_dict
from agent_app.core.network import R_OTHER_AREA, R_PASS_UP
from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.sync.client import ApiError, CentralClient
from agent_app.sync.engine import SyncEngine
from central_api.accounts import add_user
from central_api.embedded import start_embedded
from tests.factories import dispatched, make_ticket

DISTRICT, STREET = "新华区", "新华区西高皇街道办事处"
FIRST_COMMUNITY, SECOND_COMMUNITY = "新华区西高皇街道中央花园社区", "新华区西高皇街道西高皇社区"
ASSISTING = "市住建局"
ACCOUNTS = {  # user name → unit code (catalogue codes; community stations by location code)
    "xhq": "pds-qu-xhq", "xghjd": "pds-jd-xhxghjd", "zyhysq": "loc-410402001001",
    "xghsq": "loc-410402001002", "zjj": "pds-zjj", "wdjd": "pds-jd-wddhljd",
}
PASSWORD = "network-walk-2026"


def _unit_client(url: str, username: str) -> CentralClient:
    client = CentralClient(url)
    client.token = client.login(username, PASSWORD).token
    return client


@pytest.fixture
def network(server_db_url, tmp_path):
    server = start_embedded(server_db_url, seed_demo_users=True)
    sessions = server.server.config.app.state.sessions
    for username, code in ACCOUNTS.items():
        with sessions() as session:
            add_user(session, username=username, role=Role.UNIT, display_name=username,
                     unit_code=code, password=PASSWORD, actor="test")
    operator = CentralClient(server.url)
    operator.token = operator.login("op01", "demo").token
    db = open_database(tmp_path / "agent.db")
    units = {name: _unit_client(server.url, name) for name in ACCOUNTS}
    yield server, SyncEngine(db, operator), units
    db.close()
    server.stop()


def refused(call, *args) -> ApiError:
    with pytest.raises(ApiError) as info:
        call(*args)
    return info.value


def test_a_ticket_walks_down_to_the_community_and_back_and_the_month_counts_each_step(
        network, tmp_path: Path):
    _server, engine, units = network
    now = datetime.now(UTC)
    ticket = replace(make_ticket("NET-1"), created_at=now - timedelta(minutes=5))
    ticket = replace(ticket, events=[replace(ticket.events[0], at=ticket.created_at)])
    ops.register_ticket(engine.db, dispatched(ticket, DISTRICT, at=now - timedelta(minutes=4)))
    ops.perform_ticket_command(engine.db, TicketCommand(
        "NET-1", NetworkStep.REQUEST_ASSIST, now - timedelta(minutes=3), "op01",
        {"unit": ASSISTING}))
    engine.sync_once()

    xhq, street, first, second = (units["xhq"], units["xghjd"], units["zyhysq"],
                                  units["xghsq"])
    assert [t["id"] for t in xhq.get("/unit/tickets")] == ["NET-1"]
    assert [t["id"] for t in units["zjj"].get("/unit/tickets")] == ["NET-1"]  # assisting
    assert units["wdjd"].get("/unit/tickets") == []
    # Another district's street cannot touch it at all.
    assert refused(units["wdjd"].post, "/unit/tickets/NET-1/accept").status == 404

    xhq.post("/unit/tickets/NET-1/accept")
    # Not to another district's street, not skipping the street.
    wrong = refused(xhq.post, "/unit/tickets/NET-1/pass-down",
                    {"to_unit": "卫东区东环路街道办事处"})
    assert wrong.status == 409 and wrong.sentence == R_OTHER_AREA
    assert wrong.message == "所选单位属于其他辖区：只能在本辖区内下派。"
    assert refused(xhq.post, "/unit/tickets/NET-1/pass-down",
                   {"to_unit": FIRST_COMMUNITY}).status == 409
    xhq.post("/unit/tickets/NET-1/pass-down", {"to_unit": STREET})
    # The district passed it on: its own reply is refused, with the reason.
    passed_on = refused(xhq.post, "/unit/tickets/NET-1/reply", {"text": "区里已处理完毕。"})
    assert passed_on.status == 409 and passed_on.sentence == R_PASSED_ON

    street.post("/unit/tickets/NET-1/accept")
    street.post("/unit/tickets/NET-1/pass-down", {"to_unit": FIRST_COMMUNITY})
    first.post("/unit/tickets/NET-1/accept")
    up = refused(first.post, "/unit/tickets/NET-1/pass-down", {"to_unit": STREET})
    assert up.status == 409 and up.sentence == R_PASS_UP
    bad_reason = refused(first.post, "/unit/tickets/NET-1/return-up", {"reason_code": "busy"})
    assert bad_reason.status == 409
    # The return: not this community's place. The street passes it to the right one.
    first.post("/unit/tickets/NET-1/return-up", {"reason_code": "wrong_place",
                                                 "reason": "地址属西高皇社区"})
    street.post("/unit/tickets/NET-1/pass-down", {"to_unit": SECOND_COMMUNITY})
    second.post("/unit/tickets/NET-1/accept")

    units["zjj"].post("/unit/tickets/NET-1/assist-reply",
                      {"text": "住建局已派人配合核查路灯线路。"})
    assert refused(units["zjj"].post, "/unit/tickets/NET-1/reply",
                   {"text": "住建局答复。"}).status == 409  # assisting: reply to the lead only

    second.post("/unit/tickets/NET-1/reply-up", {"text": "社区已联系维修，路灯已恢复。"})
    street.post("/unit/tickets/NET-1/review-reply", {"decision": "sent_back",
                                                     "reason": "请写明修复时间"})
    second.post("/unit/tickets/NET-1/reply-up", {"text": "社区已于今日联系维修，路灯已恢复。"})
    street.post("/unit/tickets/NET-1/review-reply", {"decision": "accepted"})
    street.post("/unit/tickets/NET-1/reply-up", {"text": "街道已核实路灯恢复照明。"})
    xhq.post("/unit/tickets/NET-1/review-reply", {"decision": "accepted"})
    final = xhq.post("/unit/tickets/NET-1/reply", {"text": "新华区已督促街道社区修复路灯。"})
    assert final["status"] == TicketStatus.REPLIED.value

    # The centre sees the whole chain.
    engine.sync_once()
    with engine.db.unit_of_work() as uow:
        seen = uow.tickets.get("NET-1")
    assert seen is not None and seen.status is TicketStatus.REPLIED
    kinds = [e.kind for e in seen.events]
    assert kinds == [
        "registered", "dispatched", "assist_requested", "accepted", "passed_down", "accepted",
        "passed_down", "accepted", "returned_up", "passed_down", "accepted", "assist_replied",
        "replied_up", "reply_reviewed", "replied_up", "reply_reviewed", "replied_up",
        "reply_reviewed", "replied"]
    ops.perform_ticket_command(engine.db, TicketCommand(
        "NET-1", FollowUp.CALLBACK, datetime.now(UTC), "op01",
        {"result": "satisfied", "process": "satisfied"}))
    engine.sync_once()

    with engine.db.unit_of_work() as uow:
        exported = uow.tickets.get("NET-1")
    assert exported is not None
    history = tmp_path / "month.jsonl"
    history.write_text(json.dumps(ticket_to_dict(exported), ensure_ascii=False) + "\n",
                       encoding="utf-8")
    month = now.astimezone(CHINA_TZ).strftime("%Y-%m")
    out = tmp_path / "report.json"
    assert run_report(tmp_path, month, source=history, fmt="json", output=out) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    network_tables = report["network"]
    by_unit = {row["unit"]: row for row in network_tables["units"]}
    # Each level counts its own work: received (dispatched or passed down to it), replies.
    assert by_unit[DISTRICT]["received"] == 1 and by_unit[DISTRICT]["replied"] == 1
    assert by_unit[DISTRICT]["passed_down"] == 1
    assert by_unit[STREET]["received"] == 1 and by_unit[STREET]["passed_down"] == 2
    assert by_unit[STREET]["replied"] == 1
    assert by_unit[FIRST_COMMUNITY]["received"] == 1
    assert by_unit[FIRST_COMMUNITY]["returned"] == 1
    assert by_unit[SECOND_COMMUNITY]["received"] == 1
    assert by_unit[SECOND_COMMUNITY]["replied"] == 1  # the accepted reply, not the sent back
    assert by_unit[SECOND_COMMUNITY]["sent_back"] == 1
    assert by_unit[ASSISTING]["assisting"] == 1 and by_unit[ASSISTING]["assist_replied"] == 1
    assert by_unit[ASSISTING]["received"] == 0
    levels = {row["unit"]: row["level"] for row in network_tables["units"]}
    assert (levels[DISTRICT], levels[STREET], levels[SECOND_COMMUNITY]) == (
        "district", "street", "community")
    # Districts and their streets are ranked in groups of their own.
    groups = {row["unit"]: row["group"] for row in network_tables["units"]}
    assert groups[DISTRICT] != groups[STREET]
    for unit in (DISTRICT, STREET, FIRST_COMMUNITY, SECOND_COMMUNITY):
        assert by_unit[unit]["accepted_in_time"] == 1, unit  # 签收 within the limit
    assert network_tables["registered_here"] == {"平顶山市12345民呼必应指挥中心": 1}
