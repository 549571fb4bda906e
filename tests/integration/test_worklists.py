"""The lead's and the callback operators' worklists on a real SQLite cache: SQL narrows to
candidates, the core's rules (`pending_extension`, `callback_attempts`) decide. Random
timelines built through the ticket commands are stored, and each list must say what the core
says of the whole ticket."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_app.core.actions import (
    FollowUp,
    TicketCommand,
    apply_command,
    callback_attempts,
    pending_extension,
)
from agent_app.core.calendar import WorkingCalendar
from agent_app.core.enums import Rating
from agent_app.core.interchange import ticket_to_dict
from agent_app.core.lifecycle import WITH_UNIT_STATES, Action, SideEvent
from agent_app.core.models import Ticket
from agent_app.core.reference import ReferenceData, shipped_documents
from agent_app.paths import resources_dir
from agent_app.storage.database import open_database
from agent_app.storage.ops import import_synced_tickets
from agent_app.storage.worklists import load_callbacks, load_review
from tests.factories import dispatched, make_ticket, shipped_policy

UNIT = "市城市管理局"
CALENDAR = WorkingCalendar()

# One step of a ticket's life, with the data it needs; a step the ticket's state or guards
# refuse is skipped, so any sequence gives a valid timeline.
STEPS: dict[str, tuple[Any, dict[str, Any]]] = {
    "accept": (Action.ACCEPT, {}),
    "ask": (SideEvent.EXTENSION, {"reason": "需协调供电部门"}),
    "approve": (FollowUp.EXTENSION_DECISION, {"decision": "approved", "working_days": 3}),
    "deny": (FollowUp.EXTENSION_DECISION, {"decision": "denied", "reason": "时限足够"}),
    "reply": (Action.REPLY, {"text": "已安排人员修复路灯。"}),
    "not_reached": (SideEvent.CALLBACK_NOT_REACHED, {}),
    "dissatisfied": (FollowUp.CALLBACK, {"result": Rating.DISSATISFIED.value,
                                         "process": Rating.SATISFIED.value}),
    "redo": (Action.REDO, {"reason": "来电人对办理结果不满意"}),
}


def walked(ticket_id: str, steps: list[str]) -> Ticket:
    ticket = dispatched(make_ticket(ticket_id), UNIT)
    at = ticket.created_at
    for name in steps:
        kind, data = STEPS[name]
        at += timedelta(hours=1)
        if kind is SideEvent.EXTENSION:
            data = {**data, "requested_deadline": (
                (ticket.deadline or at) + timedelta(days=7)).isoformat()}
        command = TicketCommand(ticket.id, kind, at, "lead01" if kind is not Action.REPLY
                                else UNIT, data)
        try:
            ticket = apply_command(ticket, command, policy=shipped_policy(), calendar=CALENDAR)
        except ValueError:
            continue
    return ticket


def stored(tmp_path, tickets: list[Ticket]):
    db = open_database(tmp_path / "agent.db")
    import_synced_tickets(db, [ticket_to_dict(ticket) for ticket in tickets])
    return db


def reference() -> ReferenceData:
    return ReferenceData.from_documents(shipped_documents(resources_dir() / "catalogues"))


def test_a_denied_request_is_off_the_list_and_a_new_request_is_on_it(tmp_path):
    tickets = [walked("T-PENDING", ["accept", "ask"]),
               walked("T-DENIED", ["accept", "ask", "deny"]),
               walked("T-AGAIN", ["accept", "ask", "deny", "ask"]),
               walked("T-APPROVED", ["accept", "ask", "approve"])]
    db = stored(tmp_path, tickets)
    try:
        lists = load_review(db, tickets[0].created_at + timedelta(hours=6), reference())
    finally:
        db.close()
    listed = {item.ticket_id: item for item in lists.extensions}
    assert set(listed) == {"T-PENDING", "T-AGAIN"}
    again = pending_extension(tickets[2])
    assert again is not None and listed["T-AGAIN"].since == again.at


def test_unreached_callbacks_count_since_the_latest_reply(tmp_path):
    tickets = [walked("T-TWICE", ["accept", "reply", "not_reached", "not_reached"]),
               walked("T-REDONE", ["accept", "reply", "not_reached", "not_reached",
                                   "dissatisfied", "redo", "accept", "reply", "not_reached"])]
    db = stored(tmp_path, tickets)
    try:
        attempts = {item.ticket_id: item.attempts for item in load_callbacks(db)}
    finally:
        db.close()
    assert attempts == {"T-TWICE": 2, "T-REDONE": 1}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(sorted(STEPS)), max_size=12), min_size=1,
                max_size=6))
def test_each_list_says_what_the_core_says_of_the_whole_ticket(tmp_path_factory, walks):
    tickets = [walked(f"T-{n}", steps) for n, steps in enumerate(walks)]
    # Deadlines far ahead: no ticket is on the supervision lists for being late.
    tickets = [replace(t, deadline=t.deadline + timedelta(days=365)) if t.deadline else t
               for t in tickets]
    db = stored(tmp_path_factory.mktemp("cache"), tickets)
    try:
        lists = load_review(db, tickets[0].created_at, reference())
        callbacks = {item.ticket_id: item.attempts for item in load_callbacks(db)}
    finally:
        db.close()
    assert {item.ticket_id for item in lists.extensions} == {
        t.id for t in tickets if t.status in WITH_UNIT_STATES and pending_extension(t)}
    assert callbacks == {t.id: callback_attempts(t) for t in tickets
                         if t.status.value == "replied"}
