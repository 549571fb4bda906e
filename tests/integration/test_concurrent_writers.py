"""Concurrent writers on PostgreSQL, as 200 clients at once make them (found by
benchmarks/load.py, issue #10).

- Ticket writers never wait for each other in opposite orders. A push applying several
  mutations held the version counter from its first one while it locked the ticket of the
  next; a unit acting on that ticket held it and then wanted the counter: PostgreSQL broke the
  deadlock by failing one of them (a 500). Every ticket writer now takes the counter first.
- A new client's first push, retried while the original is still running, is acknowledged:
  neither could lock the client's row, which did not exist yet, and the later one failed on
  the duplicate key (a 500).
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from agent_app.core.actions import TicketCommand
from agent_app.core.enums import Role, TicketStatus
from agent_app.core.interchange import event_to_dict, ticket_to_dict
from agent_app.core.lifecycle import Action
from agent_app.core.models import TicketEvent
from central_api import seeding, sync
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
        seeding.seed_tickets(s, [ticket_to_dict(replace(
            make_ticket("SHARED-1"), status=TicketStatus.DISPATCHED, unit=unit))])
        operator = s.scalar(select(User).where(User.username == "op01"))
    assert operator is not None
    note = TicketEvent(str(uuid.uuid4()), datetime.now(UTC), "note", "op01", {"text": "来电人催办"})
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


def test_a_retried_first_push_racing_the_original_is_acknowledged(postgres_cluster):
    app = create_app(postgres_cluster.create_database(), seed_demo_users=True)
    sessions = app.state.sessions
    create = sync.Mutation(mutation_id=1, op="ticket.create", entity_id="FIRST-1",
                           args=ticket_to_dict(make_ticket("FIRST-1")))
    outcome: dict[str, Any] = {}
    with sessions() as original:
        operator = original.scalar(select(User).where(User.username == "op01"))
        assert operator is not None
        # The original push, up to its commit: the new client's row and the ticket written.
        client = sync._locked_client(original, "new-client-1", operator, 0)
        assert sync._apply(original, create, operator).status == "applied"
        client.last_mutation_id = 1
        original.flush()

        def retry() -> None:  # the client timed out waiting and sends the batch again
            try:
                with sessions() as s:
                    outcome["retry"] = sync.push(sync.PushRequest(
                        client_id="new-client-1", mutations=[create]), s, s.merge(operator))
            except Exception as exc:
                outcome["retry"] = exc

        retrying = threading.Thread(target=retry)
        retrying.start()
        time.sleep(1.0)  # the retry is waiting for the original now
        original.commit()
    retrying.join(30)

    assert not isinstance(outcome["retry"], Exception), outcome["retry"]
    assert [ack.status for ack in outcome["retry"].acks] == ["duplicate"]
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(TicketRecord)) == 1
    app.state.engine.dispose()
