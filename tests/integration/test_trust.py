"""Issue #15's findings, tried from outside as an attacker would, against a real central API
(SQLite and PostgreSQL): each was applied, or stopped other seats' sync, before the fix."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from agent_app.core.actions import R_ROLE, TicketCommand
from agent_app.core.creation import creation_steps
from agent_app.core.enums import Rating, TicketStatus
from agent_app.core.i18n import translated
from agent_app.core.interchange import ticket_to_dict
from agent_app.core.lifecycle import SideEvent
from agent_app.core.models import TicketEvent
from agent_app.core.wire import (
    MAX_TICKET_BYTES,
    W_CALLER,
    W_DATA,
    W_EVENT_ID,
    W_MALFORMED,
    W_NOT_LOST,
    W_PLACE,
    W_RECEIVED,
    W_TEXT,
    W_TIME,
    W_TOO_BIG,
)
from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.sync.engine import SyncEngine
from central_api.app import API, DEMO_PASSWORD
from central_api.embedded import EmbeddedServer, start_embedded
from central_api.limits import ServerLimits, TokenBucket
from tests.clients import plant_unreadable_ticket, remove_ticket_row, signed_in
from tests.factories import dispatched, make_ticket

TIMEOUT = 15
UNIT = "市城市管理局"


@pytest.fixture(scope="module")
def server(module_server_db_url: str) -> Iterator[EmbeddedServer]:
    # These tests push far faster than a seat does; the push limit has tests of its own.
    limits = ServerLimits(push=TokenBucket(rate=1000.0, burst=1000.0))
    embedded = start_embedded(module_server_db_url, seed_demo_users=True,
                              server_limits=limits)
    yield embedded
    embedded.stop()


@pytest.fixture(scope="module")
def tokens(server: EmbeddedServer) -> dict[str, str]:
    return {name: requests.post(f"{server.url}{API}/auth/login", timeout=TIMEOUT,
                                json={"username": name, "password": DEMO_PASSWORD}
                                ).json()["token"]
            for name in ("op01", "lead01", "unit-cgj", "admin")}


def push(server: EmbeddedServer, token: str, mutations: list[dict[str, Any]]
         ) -> list[dict[str, Any]]:
    """A fresh client id per push: each starts its own mutation ids at 1."""
    numbered = [{"mutation_id": n, **m} for n, m in enumerate(mutations, start=1)]
    reply = requests.post(f"{server.url}{API}/sync/push", timeout=TIMEOUT,
                          headers={"Authorization": f"Bearer {token}"},
                          json={"client_id": f"trust-{uuid.uuid4().hex[:20]}",
                                "mutations": numbered})
    assert reply.status_code == 200, reply.text
    return reply.json()["acks"]


def facts(ticket_id: str, **changes: Any) -> dict[str, Any]:
    ticket = make_ticket(ticket_id)
    ticket = replace(ticket, created_at=datetime.now(UTC) - timedelta(hours=1),
                     events=[replace(ticket.events[0],
                                     at=datetime.now(UTC) - timedelta(hours=1))])
    args = creation_steps(ticket)[0].to_dict()
    args.update(changes)
    return {"op": "ticket.create", "entity_id": ticket_id, "args": args}


def pull_all(server: EmbeddedServer, token: str) -> list[dict[str, Any]]:
    reply = requests.get(f"{server.url}{API}/sync/pull", params={"since": 0, "limit": 1000},
                         headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)
    assert reply.status_code == 200, reply.text
    return reply.json()["changes"]


def stored(server: EmbeddedServer, token: str, ticket_id: str) -> dict[str, Any] | None:
    reply = requests.get(f"{server.url}{API}/tickets/{ticket_id}", timeout=TIMEOUT,
                         headers={"Authorization": f"Bearer {token}"})
    return reply.json()["ticket"] if reply.status_code == 200 else None


# One ticket must not stop every client's sync -----------------------------------------------
@pytest.mark.parametrize(("changes", "reason"), [
    ({"content": {"text": "一个对象"}}, W_TEXT),
    ({"caller": {"name": ["李", "四"], "phone": "13900000000"}}, W_CALLER),
    ({"address": ["五一路", "41号"]}, W_TEXT),
    ({"received_at": "0001-01-01T00:00:00+14:00"}, W_RECEIVED),
    ({"received_at": "9999-12-31T23:59:59-14:00"}, W_RECEIVED),
    ({"category": ["城市管理"]}, W_PLACE),  # was a 500
    ({"redo_count": 10**20}, W_MALFORMED),  # not a fact of a call: the old protocol's key
    ({"registered_event_id": "not-a-uuid"}, W_EVENT_ID),
    ({"received_at": (datetime.now(UTC) + timedelta(days=2)).isoformat()}, W_RECEIVED),
    ({"received_at": (datetime.now(UTC) - timedelta(days=400)).isoformat()}, W_RECEIVED),
])
def test_a_create_outside_the_schema_is_rejected_and_the_pull_still_works(
        server, tokens, changes, reason):
    ticket_id = f"BAD-{uuid.uuid4().hex[:8]}"
    [ack] = push(server, tokens["op01"], [facts(ticket_id, **changes)])
    assert ack["status"] == "rejected" and ack["reason"] == translated(reason)
    assert stored(server, tokens["lead01"], ticket_id) is None
    pull_all(server, tokens["op01"])  # every client's pull still answers


def test_a_rejection_reason_is_chinese(server, tokens):
    [ack] = push(server, tokens["op01"], [facts("ZH-1", content={"a": 1})])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in ack["reason"]), ack["reason"]


def test_an_event_id_used_twice_or_copied_from_another_ticket_is_refused(server, tokens):
    first = facts("DUP-A")
    [applied] = push(server, tokens["op01"], [first])
    assert applied["status"] == "applied"
    copied = facts("DUP-B", registered_event_id=first["args"]["registered_event_id"])
    note_id = str(uuid.uuid4())

    def note(ticket_id: str) -> dict[str, Any]:
        command = TicketCommand(ticket_id, SideEvent.NOTE, datetime.now(UTC), "op01",
                                {"text": "补充"}, note_id)
        args = command.to_dict()
        return {"op": "ticket.action", "entity_id": ticket_id, "args": args}

    acks = push(server, tokens["op01"], [copied, note("DUP-A"), note("DUP-A"),
                                         facts("DUP-C"), note("DUP-C")])
    assert [a["status"] for a in acks] == ["rejected", "applied", "applied", "applied",
                                           "rejected"]
    assert acks[0]["reason"] == translated(W_EVENT_ID)
    assert acks[4]["reason"] == translated(W_EVENT_ID)
    events = stored(server, tokens["lead01"], "DUP-A")["events"]
    assert [e["kind"] for e in events] == ["registered", "note"]  # the second was a replay


# The server derives every state ------------------------------------------------------------
def forged_closed_ticket(ticket_id: str) -> dict[str, Any]:
    """The previous protocol's whole ticket, claimed closed with a unit's reply and a lead's
    satisfied callback: forged satisfaction figures."""
    ticket = dispatched(make_ticket(ticket_id), UNIT, at=datetime.now(UTC) - timedelta(hours=2))
    at = datetime.now(UTC) - timedelta(hours=1)
    events = [*ticket.events,
              TicketEvent(str(uuid.uuid4()), at, "accepted", "unit-cgj", {"unit": UNIT}),
              TicketEvent(str(uuid.uuid4()), at, "replied", "unit-cgj",
                          {"unit": UNIT, "text": "已处理完毕。"}),
              TicketEvent(str(uuid.uuid4()), at, "callback", "lead01",
                          {"reached": True, "result": Rating.SATISFIED.value,
                           "process": Rating.SATISFIED.value}),
              TicketEvent(str(uuid.uuid4()), at, "closed", "lead01")]
    forged = replace(ticket, status=TicketStatus.CLOSED, events=events)
    return {"op": "ticket.create", "entity_id": ticket_id, "args": ticket_to_dict(forged)}


def test_an_operator_cannot_create_a_ticket_already_closed_and_rated(server, tokens):
    [ack] = push(server, tokens["op01"], [forged_closed_ticket("FORGED-1")])
    assert ack["status"] == "rejected"
    assert stored(server, tokens["lead01"], "FORGED-1") is None


def test_the_previous_protocols_create_is_taken_apart_and_the_actor_is_the_signed_in_user(
        server, tokens):
    ticket = dispatched(make_ticket("OLD-CLIENT-1"), UNIT,
                        at=datetime.now(UTC) - timedelta(minutes=30))
    ticket = replace(ticket, events=[replace(e, actor="someone-else") for e in ticket.events])
    [ack] = push(server, tokens["op01"], [{"op": "ticket.create", "entity_id": ticket.id,
                                           "args": ticket_to_dict(ticket)}])
    assert ack["status"] == "applied", ack
    kept = stored(server, tokens["lead01"], ticket.id)
    assert kept["status"] == "dispatched" and kept["unit"] == UNIT
    assert [e["actor"] for e in kept["events"]] == ["op01", "op01"]


def test_a_role_may_not_create_through_the_previous_protocol_what_it_may_not_do(
        server, tokens):
    """A lead's dispatch is fine; a unit's reply inside a create is not the operator's."""
    ticket = dispatched(make_ticket("OLD-CLIENT-2"), UNIT,
                        at=datetime.now(UTC) - timedelta(minutes=30))
    reply = TicketEvent(str(uuid.uuid4()), datetime.now(UTC), "replied", "op01",
                        {"unit": UNIT, "text": "已处理完毕。"})
    forged = replace(ticket, status=TicketStatus.REPLIED, events=[*ticket.events, reply])
    [ack] = push(server, tokens["op01"], [{"op": "ticket.create", "entity_id": forged.id,
                                           "args": ticket_to_dict(forged)}])
    assert ack["status"] == "rejected"  # a reply is no intake step


def test_recover_outside_any_restore_is_refused(server, tokens):
    ticket = make_ticket("RECOVER-1")
    [ack] = push(server, tokens["op01"], [{
        "op": "ticket.recover", "entity_id": ticket.id,
        "args": {"lost_in_epoch": str(uuid.uuid4()), "ticket": ticket_to_dict(ticket)}}])
    assert ack["status"] == "rejected" and ack["reason"] == translated(W_NOT_LOST)
    assert stored(server, tokens["lead01"], ticket.id) is None


def test_a_unit_cannot_push_and_an_operator_cannot_supervise(server, tokens):
    reply = requests.post(f"{server.url}{API}/sync/push", timeout=TIMEOUT,
                          headers={"Authorization": f"Bearer {tokens['unit-cgj']}"},
                          json={"client_id": "trust-unit-push", "mutations": []})
    assert reply.status_code == 403
    [created] = push(server, tokens["op01"], [facts("SUP-1")])
    assert created["status"] == "applied"
    args = TicketCommand("SUP-1", SideEvent.SUPERVISION, datetime.now(UTC), "op01",
                         {"level": "reminder", "notice": "请尽快办理"}).to_dict()
    [ack] = push(server, tokens["op01"], [{"op": "ticket.action", "entity_id": "SUP-1",
                                           "args": args}])
    assert ack["status"] == "rejected" and ack["reason"] == translated(R_ROLE)


# Unbounded growth ----------------------------------------------------------------------------
def test_a_note_with_extra_keys_or_too_much_text_is_refused_and_a_ticket_stops_growing(
        server, tokens):
    [created] = push(server, tokens["op01"], [facts("BIG-1")])
    assert created["status"] == "applied"

    def note(**data: Any) -> dict[str, Any]:
        command = TicketCommand("BIG-1", SideEvent.NOTE, datetime.now(UTC), "op01", data)
        return {"op": "ticket.action", "entity_id": "BIG-1", "args": command.to_dict()}

    acks = push(server, tokens["op01"], [note(text="补充", blob="x" * 100_000),
                                         note(text="补充", nested={"a": [1, 2]}),
                                         note(text="长" * 3000)])
    assert [a["reason"] for a in acks] == [translated(W_DATA)] * 3
    # Notes of the largest size allowed: the ticket stops at its cap, it does not grow on.
    acks = push(server, tokens["op01"], [note(text="长" * 2500) for _ in range(40)])
    assert {a["status"] for a in acks} == {"applied", "rejected"}
    assert {a["reason"] for a in acks if a["status"] == "rejected"} == {translated(W_TOO_BIG)}
    data = json.dumps(stored(server, tokens["lead01"], "BIG-1"), ensure_ascii=False)
    assert len(data.encode()) <= MAX_TICKET_BYTES


def test_a_command_dated_far_off_is_refused(server, tokens):
    [created] = push(server, tokens["op01"], [facts("TIME-1")])
    assert created["status"] == "applied"
    for at in ("0001-01-01T00:00:00+14:00", (datetime.now(UTC) + timedelta(days=3)).isoformat()):
        command = TicketCommand("TIME-1", SideEvent.NOTE, datetime.now(UTC), "op01",
                                {"text": "补充"})
        args = {**command.to_dict(), "at": at}
        [ack] = push(server, tokens["op01"], [{"op": "ticket.action", "entity_id": "TIME-1",
                                               "args": args}])
        assert ack["reason"] == translated(W_TIME)


# Confidential callers in every form ----------------------------------------------------------
@pytest.mark.parametrize("written", [
    "13912345678", "139-1234-5678", "139 1234 5678", "+86 139 1234 5678", "+8613912345678",
    "0086-139-1234-5678", "(139)12345678"])
def test_a_confidential_number_written_any_way_never_reaches_the_unit(server, tokens, written):
    ticket_id = f"CONF-{uuid.uuid4().hex[:8]}"
    ticket = replace(make_ticket(ticket_id, phone="13912345678"), confidential=True,
                     content=f"李 四反映路灯不亮，请回电{written}。",
                     address=f"五一路 {written} 号",
                     created_at=datetime.now(UTC) - timedelta(hours=1))
    ticket = replace(ticket, caller=replace(ticket.caller, name="李四"),
                     events=[replace(ticket.events[0], at=ticket.created_at)])
    facts_, commands = creation_steps(dispatched(ticket, UNIT))
    acks = push(server, tokens["op01"], [
        {"op": "ticket.create", "entity_id": ticket_id, "args": facts_.to_dict()},
        *({"op": "ticket.action", "entity_id": ticket_id, "args": c.to_dict()}
          for c in commands)])
    assert {a["status"] for a in acks} == {"applied"}, acks
    listed = requests.get(f"{server.url}{API}/unit/tickets", timeout=TIMEOUT,
                          headers={"Authorization": f"Bearer {tokens['unit-cgj']}"}).json()
    [shown] = [t for t in listed if t["id"] == ticket_id]
    text = json.dumps(shown, ensure_ascii=False)
    digits = "".join(ch for ch in text if ch.isdigit())
    assert "12345678" not in digits.replace("2026", "")
    assert "李四" not in text and "李 四" not in text


# No single row stops another seat's pull -----------------------------------------------------
def test_a_row_the_client_cannot_store_is_set_aside_and_the_rest_arrive(server, tokens,
                                                                       tmp_path):
    """A ticket stored by an older server in a shape clients cannot read (here written into
    the database directly, as no push can do any more): the client sets it aside as a sync
    problem with the reason, its cursor moves on, and the next ticket arrives."""
    from agent_app.storage.problems import load_problems

    [ok] = push(server, tokens["op01"], [facts("POISON-0")])
    assert ok["status"] == "applied"
    plant_unreadable_ticket(server, "POISON-0", "POISON-1")
    [after] = push(server, tokens["op01"], [facts("POISON-2")])
    assert after["status"] == "applied"

    db = open_database(tmp_path / "seat.db")
    try:
        engine = SyncEngine(db, signed_in(server.url, "op02"))
        report = engine.sync_once()
        assert report.quarantined == 1
        with db.unit_of_work() as uow:
            assert uow.tickets.get("POISON-0") is not None
            assert uow.tickets.get("POISON-2") is not None
            assert uow.tickets.get("POISON-1") is None
        [problem] = load_problems(db).quarantined
        assert problem.ticket_id == "POISON-1"
        assert engine.sync_once().quarantined == 0  # the cursor moved on
    finally:
        db.close()
        remove_ticket_row(server, "POISON-1")  # leave the shared server readable for other tests


def test_a_client_registers_only_what_the_schema_allows(tmp_path):
    """The same schema, checked before a mutation is queued: nothing is stored locally."""
    from agent_app.core.wire import WireError

    db = open_database(tmp_path / "agent.db")
    try:
        with pytest.raises(WireError):
            ops.register_ticket(db, replace(make_ticket("LOCAL-1"), content="长" * 3000))
        with db.unit_of_work() as uow:
            assert uow.tickets.get("LOCAL-1") is None and uow.outbox.pending_count() == 0
    finally:
        db.close()


def test_a_direct_answer_from_the_kb_records_the_article_and_the_version_given(tmp_path):
    """Issue #19 item 4: a later review can see which official wording the caller heard."""
    from agent_app.core.completeness import Outcome
    from agent_app.core.intake import IntakeState, build_ticket
    from agent_app.storage.reference import load_reference

    db = open_database(tmp_path / "agent.db")
    try:
        ops.import_kb_articles(db, [{"id": "KB-1", "title": "公积金提取", "body": "携带身份证…",
                                     "updated_at": "2026-11-20T08:00:00+00:00"}])
        now = datetime.now(UTC)
        state = IntakeState(caller_phone="13800138000", caller_name="王女士",
                            category=("政务服务", "网点服务"), content="问公积金怎么提取",
                            demand="想了解提取条件", address="五一路41号",
                            location=("卫东区", "五一路街道", "五一路社区"),
                            answer="携带身份证到窗口办理", answer_article_id="KB-1",
                            received_at=(now - timedelta(minutes=3)).isoformat())
        ticket = build_ticket(state, Outcome.ANSWER, load_reference(db), actor="op01", now=now)
        ops.register_ticket(db, ticket)
        with db.unit_of_work() as uow:
            answered = uow.tickets.get(ticket.id).events[-1]
            [_create, action] = [json.loads(r.args) for r in uow.outbox.pending(10)]
        assert answered.data == {"text": "携带身份证到窗口办理", "article_id": "KB-1",
                                 "article_version": "2026-11-20T08:00:00+00:00"}
        assert action["data"]["article_id"] == "KB-1"
        assert action["data"]["article_version"] == "2026-11-20T08:00:00+00:00"
    finally:
        db.close()
