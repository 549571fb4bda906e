"""Writers of tickets on PostgreSQL never wait for each other in opposite orders (found by
benchmarks/load.py, issue #10). A push applying several mutations held the version counter
from its first one while it locked the ticket of the next; a unit acting on that ticket held
it and then wanted the counter: PostgreSQL broke the deadlock by failing one of them (a 500).
Every ticket writer now takes the counter before it locks any ticket."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from agent_app.core.actions import TicketCommand
from agent_app.core.enums import Role, TicketStatus
from agent_app.core.interchange import event_to_dict, ticket_to_dict
from agent_app.core.lifecycle import Action
from agent_app.core.models import TicketEvent
from central_api import sync
from central_api.app import create_app
from central_api.commands import locked_ticket, run_command
from central_api.models import TicketRecord, User
from central_api.workflow import unit_name
from tests.factories import make_ticket

UNIT_CODE = "pds-csglj"  # the demo unit account's


def test_a_push_and_a_units_action_on_the_same_ticket_both_go_through(postgres_cluster):
    app = create_app(postgres_cluster.create_database(), seed_demo_users=True)
    sessions = app.state.sessions
    unit = unit_name(UNIT_CODE)
    with sessions() as s:
        sync.seed_tickets(s, [ticket_to_dict(replace(
            make_ticket("SHARED-1"), status=TicketStatus.DISPATCHED, unit=unit))])
        operator = s.scalar(select(User).where(User.username == "op01"))
    assert operator is not None
    note = TicketEvent("note-1", datetime.now(UTC), "note", "op01", {"text": "来电人催办"})
    body = sync.PushRequest(client_id="load-client-1", mutations=[
        sync.Mutation(mutation_id=1, op="ticket.create", entity_id="NEW-1",
                      args=ticket_to_dict(make_ticket("NEW-1"))),
        sync.Mutation(mutation_id=2, op="ticket.note", entity_id="SHARED-1",
                      args={"event": event_to_dict(note)})])
    unit_holds_ticket, unit_may_go_on = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def unit_accepts() -> None:
        try:
            with sessions() as s:
                record, ticket = locked_ticket(s, "SHARED-1")
                unit_holds_ticket.set()
                unit_may_go_on.wait(10)  # meanwhile the push runs as far as it can
                run_command(s, record, ticket, TicketCommand(
                    "SHARED-1", Action.ACCEPT, datetime.now(UTC), unit), Role.UNIT)
                s.commit()
            outcome["unit"] = "done"
        except Exception as exc:
            outcome["unit"] = exc

    def operator_pushes() -> None:
        try:
            with sessions() as s:
                outcome["push"] = sync.push(body, s, s.merge(operator))
        except Exception as exc:
            outcome["push"] = exc

    unit_thread = threading.Thread(target=unit_accepts)
    unit_thread.start()
    assert unit_holds_ticket.wait(10)
    push_thread = threading.Thread(target=operator_pushes)
    push_thread.start()
    time.sleep(1.0)  # the push is waiting now: for the ticket (before) or the counter
    unit_may_go_on.set()
    unit_thread.join(30)
    push_thread.join(30)

    assert outcome["unit"] == "done"
    assert not isinstance(outcome["push"], Exception), outcome["push"]
    assert [ack.status for ack in outcome["push"].acks] == ["applied", "applied"]
    with sessions() as s:
        shared = s.get(TicketRecord, "SHARED-1")
        assert shared is not None and shared.status == TicketStatus.ACCEPTED.value
        assert "来电人催办" in shared.data  # the note is there too
    app.state.engine.dispose()
