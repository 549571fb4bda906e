"""Handling units act on their tickets; the operator's client sees it through sync."""


from datetime import timedelta

import pytest

from agent_app.core.actions import R_STATE
from agent_app.core.enums import TicketStatus
from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.sync.client import ApiError, CentralClient
from agent_app.sync.engine import SyncEngine
from central_api.embedded import start_embedded
from central_api.simulator import UnitSimulator
from tests.factories import dispatched, make_ticket, recent_morning

UNIT = "市城市管理局"


@pytest.fixture
def world(server_db_url, tmp_path):
    server = start_embedded(server_db_url, seed_demo_users=True)
    operator = CentralClient(server.url)
    operator.token = operator.login("op01", "demo").token
    unit = CentralClient(server.url)
    unit.token = unit.login("unit-cgj", "demo").token
    db = open_database(tmp_path / "agent.db")
    for ticket_id, unit_name in (("MINE-1", UNIT), ("MINE-2", UNIT), ("OTHER-1", "市住建局")):
        ops.register_ticket(db, dispatched(make_ticket(ticket_id), unit_name))
    engine = SyncEngine(db, operator)
    engine.sync_once()
    yield server, engine, unit
    db.close()
    server.stop()


def test_a_unit_sees_only_its_own_open_tickets(world):
    _server, _engine, unit = world
    assert sorted(t["id"] for t in unit.get("/unit/tickets")) == ["MINE-1", "MINE-2"]
    with pytest.raises(ApiError) as info:
        unit.post("/unit/tickets/OTHER-1/accept")
    assert info.value.status == 404


def test_a_refused_unit_command_names_the_core_sentence_and_says_it_in_chinese(world):
    _server, _engine, unit = world
    unit.post("/unit/tickets/MINE-1/accept")
    with pytest.raises(ApiError) as twice:
        unit.post("/unit/tickets/MINE-1/accept")
    refused = twice.value
    assert (refused.status, refused.code, refused.sentence) == (409, "ticket_command", R_STATE)
    assert refused.message == "工单状态已变化，此操作已不适用。"
    assert refused.refusal is not None and refused.refusal.translated_text() == refused.message


def test_accept_reply_follow_the_lifecycle_and_reach_the_operator(world):
    _server, engine, unit = world
    assert unit.post("/unit/tickets/MINE-1/accept")["status"] == "accepted"
    with pytest.raises(ApiError) as twice:
        unit.post("/unit/tickets/MINE-1/accept")
    assert twice.value.status == 409
    with pytest.raises(ApiError) as short:
        unit.post("/unit/tickets/MINE-1/reply", {"text": "好"})
    assert short.value.status == 422
    unit.post("/unit/tickets/MINE-1/reply", {"text": "已安排人员修复路灯，今晚恢复照明。"})
    with pytest.raises(ApiError) as late_return:
        unit.post("/unit/tickets/MINE-1/return", {"reason": "不属于本单位"})
    assert late_return.value.status == 409
    unit.post("/unit/tickets/MINE-2/extension",
         {"requested_deadline": (recent_morning() + timedelta(days=60)).isoformat(),
          "reason": "需协调供电部门"})

    report = engine.sync_once()
    assert report.pulled == 2
    with engine.db.unit_of_work() as uow:
        replied = uow.tickets.get("MINE-1")
        extended = uow.tickets.get("MINE-2")
    assert replied is not None and replied.status is TicketStatus.REPLIED
    assert [e.kind for e in replied.events][-2:] == ["accepted", "replied"]
    assert extended is not None and extended.events[-1].data["decision"] == "pending"


def test_the_demo_units_work_through_their_tickets(world):
    server, engine, _unit = world
    simulator = UnitSimulator(server.server.config.app.state.sessions, seed=1)
    steps = [simulator.step() for _ in range(6)]
    assert all(step is not None for step in steps[:3])
    engine.sync_once()
    with engine.db.unit_of_work() as uow:
        statuses = {uow.tickets.get(t).status for t in ("MINE-1", "MINE-2", "OTHER-1")}
    assert statuses <= {TicketStatus.REPLIED, TicketStatus.RETURNED}
