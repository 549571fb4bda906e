from datetime import datetime

from agent_app.core.catalogue import Catalogue
from agent_app.core.enums import TicketStatus
from agent_app.core.interchange import ticket_from_dict
from agent_app.core.models import CategoryPath, LocationPath
from agent_app.demo.generate import DEMO_NOW, generate_demo_tickets
from agent_app.paths import resources_dir

TICKETS = generate_demo_tickets()
CATALOGUE = Catalogue.load(resources_dir() / "catalogues")
EXPECTED_LAST_EVENT = {
    TicketStatus.REGISTERED: "registered", TicketStatus.ANSWERED: "answered",
    TicketStatus.RETURNED: "returned", TicketStatus.REPLIED: ("replied", "callback"),
    TicketStatus.CLOSED: "closed", TicketStatus.MERGED: "merged",
    TicketStatus.TRANSFERRED: "transferred",
    TicketStatus.ACCEPTED: ("accepted", "extension", "supervised"),
    TicketStatus.DISPATCHED: ("dispatched", "supervised"),
}


def test_same_seed_same_tickets_other_seed_other_tickets():
    assert generate_demo_tickets() == TICKETS
    assert generate_demo_tickets(seed=7) != TICKETS


def test_every_lifecycle_state_appears_at_least_ten_times():
    for status in TicketStatus:
        if status is not TicketStatus.DRAFT:
            assert sum(t["status"] == status for t in TICKETS) >= 10, status


def test_every_ticket_parses_and_its_events_are_in_time_order_in_the_past():
    ids = {t["id"] for t in TICKETS}
    assert len(ids) == len(TICKETS)
    for record in TICKETS:
        ticket = ticket_from_dict(record)
        times = [e.at for e in ticket.events]
        assert times == sorted(times) and times[0] >= ticket.created_at
        assert times[-1] <= DEMO_NOW
        expected = EXPECTED_LAST_EVENT[ticket.status]
        assert ticket.events[-1].kind in (expected if isinstance(expected, tuple) else
                                          (expected,)), (ticket.id, ticket.status)


def test_only_catalogue_categories_places_and_units_are_used():
    for record in TICKETS:
        ticket = ticket_from_dict(record)
        assert ticket.category is not None and CATALOGUE.category(ticket.category), ticket.category
        assert CATALOGUE.has_location(ticket.location) and ticket.location.is_complete
        if ticket.unit is not None:
            assert CATALOGUE.unit(ticket.unit) is not None, ticket.unit
        for event in ticket.events:
            if "unit" in event.data:
                assert CATALOGUE.unit(event.data["unit"]) is not None


def test_redo_counts_match_redo_events_and_merges_point_at_open_tickets_of_the_same_kind():
    by_id = {t["id"]: t for t in TICKETS}
    assert any(t["redo_count"] for t in TICKETS)
    for record in TICKETS:
        assert record["redo_count"] == sum(e["kind"] == "redo" for e in record["events"])
        if record["status"] == "merged":
            target = by_id[record["events"][-1]["into"]]
            assert target["status"] in {"dispatched", "accepted", "replied"}
            assert CategoryPath(*target["category"]) == CategoryPath(*record["category"])
            assert LocationPath(*target["location"]) == LocationPath(*record["location"])


def test_consultations_answered_directly_carry_the_answer():
    answered = [t for t in TICKETS if t["status"] == "answered"]
    assert all(t["answer"] and t["appeal_type"] == "consultation" for t in answered)
    assert 0.3 <= len(answered) / len(TICKETS) <= 0.5


def test_the_clock_only_matters_through_now():
    later = generate_demo_tickets(now=datetime(2027, 1, 1, tzinfo=DEMO_NOW.tzinfo))
    assert [t["status"] for t in later] == [t["status"] for t in TICKETS]
