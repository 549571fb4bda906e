"""并单 offers and hotspots over recent tickets (issue 22)."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import TicketStatus
from agent_app.core.models import CategoryPath, LocationPath
from agent_app.core.smart_intake.same_matter import (
    RecentTicket,
    RecentTickets,
    new_hotspots,
)

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=CHINA_TZ)
PLACE = LocationPath("新华区", "西高皇街道", "中央花园社区")
OTHER_PLACE = LocationPath("新华区", "西高皇街道", "春华社区")
WATER = CategoryPath("公共服务", "供水")
LIGHTS = CategoryPath("城市管理", "路灯照明")


def ticket(n: int, *, hours_ago: float = 1, phone: str | None = None,
           place: LocationPath = PLACE, category: CategoryPath = WATER,
           status: TicketStatus = TicketStatus.REGISTERED, content: str = "小区停水了"
           ) -> RecentTicket:
    return RecentTicket(f"T{n}", NOW - timedelta(hours=hours_ago), status,
                        phone or f"1390000{n:04d}", category, place, content)


def test_an_open_ticket_from_another_caller_about_the_same_place_and_problem_is_offered() -> None:
    recent = RecentTickets.of([ticket(1, hours_ago=5)], NOW)
    offers = recent.merge_offers(PLACE, WATER, "13812345678", "我们小区停水了", NOW)
    assert [o.ticket.id for o in offers] == ["T1"]
    assert offers[0].hours_ago == 5
    assert offers[0].place == str(PLACE) and offers[0].problem == "供水"


def test_no_offer_for_the_same_caller_another_place_problem_a_closed_or_an_old_ticket() -> None:
    recent = RecentTickets.of([
        ticket(1, phone="13812345678"),
        ticket(2, place=OTHER_PLACE),
        ticket(3, category=LIGHTS),
        ticket(4, status=TicketStatus.CLOSED),
        ticket(5, hours_ago=24 * 8),
    ], NOW)
    assert recent.merge_offers(PLACE, WATER, "138-1234-5678", "停水", NOW) == []


def test_no_offer_without_a_whole_place_or_a_category() -> None:
    recent = RecentTickets.of([ticket(1)], NOW)
    assert recent.merge_offers(LocationPath("新华区"), WATER, "", "停水", NOW) == []
    assert recent.merge_offers(PLACE, None, "", "停水", NOW) == []


def test_the_most_similar_text_is_offered_first() -> None:
    recent = RecentTickets.of([ticket(1, content="路口有辆车"),
                               ticket(2, content="小区从昨天开始停水了")], NOW)
    offers = recent.merge_offers(PLACE, WATER, "", "小区从昨天开始停水", NOW)
    assert [o.ticket.id for o in offers] == ["T2", "T1"]


def test_three_callers_in_a_few_hours_make_a_hotspot_two_do_not() -> None:
    two = RecentTickets.of([ticket(1, hours_ago=2), ticket(2, hours_ago=1)], NOW)
    assert two.hotspots(NOW) == []
    three = RecentTickets.of([ticket(1, hours_ago=2), ticket(2, hours_ago=1),
                              ticket(3, hours_ago=0.5)], NOW)
    [hotspot] = three.hotspots(NOW)
    assert hotspot.location == PLACE and hotspot.category == WATER
    assert [t.id for t in hotspot.tickets] == ["T1", "T2", "T3"]
    assert three.hotspot_for(PLACE, WATER, NOW) == hotspot
    assert three.hotspot_for(PLACE, None, NOW) == hotspot
    assert three.hotspot_for(PLACE, LIGHTS, NOW) is None


def test_one_caller_calling_three_times_is_no_hotspot() -> None:
    recent = RecentTickets.of([ticket(n, phone="13800000000", hours_ago=n) for n in (1, 2)]
                              + [ticket(3, phone="138-0000-0000")], NOW)
    assert recent.hotspots(NOW) == []


def test_calls_spread_over_longer_than_the_window_are_no_hotspot() -> None:
    recent = RecentTickets.of([ticket(1, hours_ago=10), ticket(2, hours_ago=6),
                               ticket(3, hours_ago=1)], NOW)
    assert recent.hotspots(NOW) == []


def test_the_lead_is_told_once_per_hotspot() -> None:
    recent = RecentTickets.of([ticket(1, hours_ago=2), ticket(2, hours_ago=1)], NOW)
    before = recent.hotspots(NOW)
    recent.add(ticket(3, hours_ago=0.2))
    after = recent.hotspots(NOW)
    assert len(new_hotspots(before, after)) == 1
    recent.add(ticket(4, hours_ago=0.1))
    assert new_hotspots(after, recent.hotspots(NOW)) == []


tickets_strategy = st.lists(st.tuples(
    st.integers(0, 30), st.floats(0, 24 * 10), st.sampled_from([PLACE, OTHER_PLACE]),
    st.sampled_from([WATER, LIGHTS]), st.sampled_from(sorted(TicketStatus)),
    st.integers(0, 5)), max_size=40)


@given(tickets_strategy, st.lists(st.integers(0, 30), max_size=10))
def test_offers_match_a_plain_scan_of_all_tickets_after_adds_and_removes(
        specs: list[tuple[int, float, LocationPath, CategoryPath, TicketStatus, int]],
        removed: list[int]) -> None:
    recent = RecentTickets()
    latest: dict[str, RecentTicket] = {}
    for n, hours, place, category, status, caller in specs:
        item = RecentTicket(f"T{n}", NOW - timedelta(hours=hours), status, f"1380000000{caller}",
                            category, place, "停水")
        recent.add(item)
        latest[item.id] = item
    for n in removed:
        recent.remove(f"T{n}")
        latest.pop(f"T{n}", None)
    assert len(recent) == len(latest)
    expected = {t.id for t in latest.values()
                if t.location == PLACE and t.category == WATER
                and t.status in {TicketStatus.REGISTERED, TicketStatus.DISPATCHED,
                                 TicketStatus.ACCEPTED, TicketStatus.RETURNED}
                and NOW - t.created_at <= timedelta(days=7) and t.caller_phone != "13800000000"}
    got = recent.merge_offers(PLACE, WATER, "13800000000", "停水", NOW)
    assert {o.ticket.id for o in got} == expected
